import { createPolar, type Polar, PolarError } from "@polar-kit/core";
import { ConfigError, polarClientOptions } from "./config";

/** A Polar API client for this request's environment; throws a ConfigError naming a missing variable. */
export const polar = (): Polar => createPolar(polarClientOptions());

/**
 * Logs a failed Polar call and returns a sentence for the page: a missing variable by its name, an
 * API failure only as such. Anything else is a bug and is rethrown. Neither the client's messages
 * nor ConfigError's contain the token.
 */
export function reportPolarFailure(error: unknown, action: string): string {
  if (error instanceof ConfigError) {
    console.error(`[store] ${error.message}`);
    return error.message;
  }
  if (error instanceof PolarError) {
    console.error(`[store] could not ${action}: ${error.message}`);
    return "Polar could not be reached. Try again.";
  }
  throw error;
}
