import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";

/** How the app reaches Polar: the real API (sandbox or production) or another origin such as the emulator. */
export interface PolarSettings {
  accessToken: string;
  webhookSecret: string;
  /** Another API origin, e.g. the emulator's `http://127.0.0.1:8787`; wins over `server`. */
  baseUrl?: string | undefined;
  server: "sandbox" | "production";
}

export interface AppConfig {
  polar: PolarSettings;
  /** Where `store.json` (users and webhook facts) lives. */
  dataDir: string;
  /** The public origin, e.g. `https://shop.example`; without it, links follow the request's own origin. */
  appUrl?: string | undefined;
  /** Signs the session cookie. */
  sessionSecret: string;
}

/** A variable is missing or wrong: the message names it, never its value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** `apps/hono/.data/`, whether this runs from `src/` or `dist/`. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL("../.data/", import.meta.url));

function httpUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ConfigError(`${name} must be an http(s) URL`);
  return url;
}

/**
 * Reads the app's configuration from environment variables: `POLAR_ACCESS_TOKEN`,
 * `POLAR_WEBHOOK_SECRET`, `POLAR_API_URL` or `POLAR_SERVER` (default sandbox), `APP_URL`,
 * `APP_DATA_DIR` and `SESSION_SECRET` (default: a new one per start, which signs everyone out).
 */
export function configFromEnv(env: Record<string, string | undefined>): AppConfig {
  const value = (name: string) => env[name]?.trim() || undefined;
  const missing = ["POLAR_ACCESS_TOKEN", "POLAR_WEBHOOK_SECRET"].filter((name) => !value(name));
  if (missing.length) throw new ConfigError(`Set ${missing.join(" and ")} (see apps/hono/README.md)`);
  const server = value("POLAR_SERVER") ?? "sandbox";
  if (server !== "sandbox" && server !== "production") {
    throw new ConfigError('POLAR_SERVER must be "sandbox" or "production"');
  }
  const apiUrl = value("POLAR_API_URL");
  const appUrl = value("APP_URL");
  return {
    polar: {
      accessToken: value("POLAR_ACCESS_TOKEN") as string,
      webhookSecret: value("POLAR_WEBHOOK_SECRET") as string,
      baseUrl: apiUrl && httpUrl("POLAR_API_URL", apiUrl).href.replace(/\/+$/, ""),
      server,
    },
    dataDir: value("APP_DATA_DIR") ?? DEFAULT_DATA_DIR,
    // The routes live at the root, so only the origin of APP_URL matters.
    appUrl: appUrl && httpUrl("APP_URL", appUrl).origin,
    sessionSecret: value("SESSION_SECRET") ?? randomBytes(32).toString("base64url"),
  };
}
