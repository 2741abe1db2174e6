// Configuration from the environment variables declared in src/env.ts (read when the server
// starts, trimmed, blank as unset), never from the build: one build runs anywhere.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { createPolar, type Polar, type PolarConnection } from "@polar-kit/core";
import {
  APP_DATA_DIR,
  APP_URL,
  POLAR_ACCESS_TOKEN,
  POLAR_API_URL,
  POLAR_SERVER,
  POLAR_WEBHOOK_SECRET,
  SESSION_SECRET,
} from "$app/env/private";

/** A variable is missing or wrong: the message names it, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const REQUIRED = { POLAR_ACCESS_TOKEN, POLAR_WEBHOOK_SECRET };

/** Names of the required variables that are not set. */
export const missingVariables = (): string[] =>
  Object.entries(REQUIRED)
    .filter(([, value]) => !value)
    .map(([name]) => name);

/**
 * How to reach Polar, for the adapter's handlers and the API client: POLAR_ACCESS_TOKEN,
 * POLAR_WEBHOOK_SECRET, and POLAR_API_URL (e.g. the emulator) or POLAR_SERVER (default sandbox).
 * A missing token or secret is left to the adapter, which answers 500 and logs the variable's name.
 */
export function polarConnection(): PolarConnection {
  const server = POLAR_SERVER ?? "sandbox";
  if (server !== "sandbox" && server !== "production") {
    throw new ConfigError('POLAR_SERVER must be "sandbox" or "production"');
  }
  return {
    accessToken: POLAR_ACCESS_TOKEN,
    webhookSecret: POLAR_WEBHOOK_SECRET,
    server,
    ...(POLAR_API_URL && { baseUrl: POLAR_API_URL }),
  };
}

/** The public origin (APP_URL), which the adapter resolves relative redirect URLs against. */
export const appUrl = (): string | undefined => APP_URL;

/** The Polar API client the pages use (products, meters, usage events). */
export function polarClient(): Polar {
  const connection = polarConnection();
  if (!connection.accessToken) throw new ConfigError("Set POLAR_ACCESS_TOKEN (see apps/sveltekit/README.md)");
  return createPolar(connection);
}

/** Where store.sqlite lives: APP_DATA_DIR, else `.data/` in the folder the app was started from. */
export const dataDir = (): string => resolve(APP_DATA_DIR ?? ".data");

// Without SESSION_SECRET, a new secret per start: restarting signs everyone out.
const startSecret = randomBytes(32).toString("base64url");

/** Signs the session cookie. */
export const sessionSecret = (): string => SESSION_SECRET ?? startSecret;
