// The app's settings, read from environment variables when a request arrives, never when a module
// loads: the app is built once and started with different environments.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import type { PolarConnection } from "@polar-kit/nextjs";

/** A variable is missing or wrong: the message names it, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const variable = (name: string) => process.env[name]?.trim() || undefined;

/** The variables without which the store cannot sell: checked by the pages and at start (instrumentation.ts). */
export const missingVariables = (): string[] =>
  ["POLAR_ACCESS_TOKEN", "POLAR_WEBHOOK_SECRET"].filter((name) => !variable(name));

/**
 * What the adapter route handlers take. They read `POLAR_ACCESS_TOKEN`, `POLAR_WEBHOOK_SECRET` and
 * `POLAR_API_URL` themselves; the store only defaults to the sandbox, where the adapters default to
 * production.
 */
export const polarConnection = (): PolarConnection => ({
  server: (variable("POLAR_SERVER") ?? "sandbox") as PolarConnection["server"],
});

/** The same settings for `createPolar`, which reads no environment: everything spelled out. */
export function polarClientOptions() {
  const missing = missingVariables();
  if (missing.length) throw new ConfigError(`Set ${missing.join(" and ")} (see apps/nextjs/README.md)`);
  const { server } = polarConnection();
  if (server !== "sandbox" && server !== "production") {
    throw new ConfigError('POLAR_SERVER must be "sandbox" or "production"');
  }
  const baseUrl = variable("POLAR_API_URL");
  return { accessToken: variable("POLAR_ACCESS_TOKEN") as string, server, ...(baseUrl && { baseUrl }) };
}

/** The public origin (`APP_URL`), e.g. `https://shop.example`; without it, links follow the request. */
export function appUrl(): string | undefined {
  const value = variable("APP_URL");
  if (!value) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    throw new ConfigError("APP_URL must be an http(s) URL");
  }
}

/** Where `store.sqlite` lives: `APP_DATA_DIR`, else `.data/` in the folder the server started from. */
export const dataDir = (): string =>
  // The folder is only known at run time: the ignore comment stops `next build` from tracing the
  // whole project into the output because of it.
  resolve(/* turbopackIgnore: true */ process.cwd(), variable("APP_DATA_DIR") ?? ".data");

// Kept on globalThis: Next.js may load this module more than once (pages and route handlers are
// separate bundles), and all of them must sign cookies with the same key.
const shared = globalThis as { storeSessionSecret?: string };

/** Signs the session cookie: `SESSION_SECRET`, else a random key for this process (a restart signs everyone out). */
export function sessionSecret(): string {
  const secret = variable("SESSION_SECRET");
  if (secret) return secret;
  shared.storeSessionSecret ??= randomBytes(32).toString("base64url");
  return shared.storeSessionSecret;
}
