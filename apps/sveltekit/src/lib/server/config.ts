// Configuration, read from the environment on every request ($env/dynamic/private), never at
// build time: the app is built once and started with different settings.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { createPolar, type Polar, type PolarConnection } from "@polar-kit/core";
import { env } from "$env/dynamic/private";

/** A variable is missing or wrong: the message names it, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const REQUIRED = ["POLAR_ACCESS_TOKEN", "POLAR_WEBHOOK_SECRET"] as const;

/** Names of the required variables that are not set. */
export const missingVariables = (): string[] => REQUIRED.filter((name) => !env[name]?.trim());

/**
 * How to reach Polar, for the adapter's handlers and the API client: POLAR_ACCESS_TOKEN,
 * POLAR_WEBHOOK_SECRET, and POLAR_API_URL (e.g. the emulator) or POLAR_SERVER (default sandbox).
 * A missing token or secret is left to the adapter, which answers 500 and logs the variable's name.
 */
export function polarConnection(): PolarConnection {
  const server = env.POLAR_SERVER?.trim() || "sandbox";
  if (server !== "sandbox" && server !== "production") {
    throw new ConfigError('POLAR_SERVER must be "sandbox" or "production"');
  }
  const baseUrl = env.POLAR_API_URL?.trim();
  return {
    accessToken: env.POLAR_ACCESS_TOKEN?.trim() || undefined,
    webhookSecret: env.POLAR_WEBHOOK_SECRET?.trim() || undefined,
    server,
    ...(baseUrl && { baseUrl }),
  };
}

/** The public origin (APP_URL), which the adapter resolves relative redirect URLs against. */
export const appUrl = (): string | undefined => env.APP_URL?.trim() || undefined;

/** The Polar API client the pages use (products, meters, usage events). */
export function polarClient(): Polar {
  const connection = polarConnection();
  if (!connection.accessToken) throw new ConfigError("Set POLAR_ACCESS_TOKEN (see apps/sveltekit/README.md)");
  return createPolar(connection);
}

/** Where store.sqlite lives: APP_DATA_DIR, else `.data/` in the folder the app was started from. */
export const dataDir = (): string => resolve(env.APP_DATA_DIR?.trim() || ".data");

// Without SESSION_SECRET, a new secret per start: restarting signs everyone out.
const startSecret = randomBytes(32).toString("base64url");

/** Signs the session cookie. */
export const sessionSecret = (): string => env.SESSION_SECRET?.trim() || startSecret;
