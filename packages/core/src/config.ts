import type { ClientOptions } from "./client";
import { PolarError } from "./errors";

/** The environment variables polar-kit understands. Adapters pass them in; the core never reads `process.env`. */
export interface PolarEnv {
  POLAR_ACCESS_TOKEN?: string | undefined;
  POLAR_WEBHOOK_SECRET?: string | undefined;
  /** `"production"` or `"sandbox"`. */
  POLAR_SERVER?: string | undefined;
  /** Any other API origin, e.g. the local emulator. */
  POLAR_API_URL?: string | undefined;
}

/** Connection settings shared by every handler; each falls back to its environment variable. */
export interface PolarConnection extends Pick<ClientOptions, "fetch" | "timeoutMs" | "maxRetries" | "polarVersion"> {
  /** @default env.POLAR_ACCESS_TOKEN */
  accessToken?: string;
  /** @default env.POLAR_WEBHOOK_SECRET */
  webhookSecret?: string;
  /** @default env.POLAR_SERVER, else "production" */
  server?: "production" | "sandbox";
  /** @default env.POLAR_API_URL */
  baseUrl?: string;
}

/** A configuration value, or a function computing it from the request (or the adapter's context). */
export type ConfigInput<Config, Context = Request> = Config | ((context: Context) => Config | Promise<Config>);

/** A required option is missing or invalid. The message names the option and its variable, never a value. */
export class PolarConfigError extends PolarError {
  override name = "PolarConfigError";
  constructor(
    /** The missing or invalid option, e.g. `"accessToken"`. */
    readonly option: string,
    message: string,
  ) {
    super("config_error", message);
  }
}

const VARIABLES = {
  accessToken: "POLAR_ACCESS_TOKEN",
  webhookSecret: "POLAR_WEBHOOK_SECRET",
  server: "POLAR_SERVER",
  baseUrl: "POLAR_API_URL",
} as const;

/**
 * Fills connection settings from the environment (explicit options win) and returns a new frozen
 * object; the caller's config is never changed.
 *
 * @example
 * const config = resolveConfig({ successUrl: "/thanks" }, process.env);
 * // config.accessToken comes from POLAR_ACCESS_TOKEN
 */
export function resolveConfig<Config extends PolarConnection>(config: Config, env: PolarEnv = {}): Readonly<Config> {
  const resolved: PolarConnection = { ...config };
  for (const [option, variable] of Object.entries(VARIABLES) as [keyof typeof VARIABLES, keyof PolarEnv][]) {
    const value = env[variable]?.trim();
    if (resolved[option] === undefined && value) (resolved as Record<string, string>)[option] = value;
  }
  if (resolved.server !== undefined && resolved.server !== "production" && resolved.server !== "sandbox") {
    throw new PolarConfigError("server", 'server (POLAR_SERVER) must be "production" or "sandbox"');
  }
  if (resolved.baseUrl !== undefined && !/^https?:\/\/[^/]/.test(resolved.baseUrl)) {
    throw new PolarConfigError("baseUrl", "baseUrl (POLAR_API_URL) must be an http(s) URL");
  }
  return Object.freeze(resolved) as Readonly<Config>;
}

/** Returns a required connection option, or throws a config error naming it and its variable. */
export function requireOption(config: PolarConnection, option: "accessToken" | "webhookSecret"): string {
  const value = config[option];
  if (!value) {
    throw new PolarConfigError(option, `Missing ${option}: pass it in the config or set ${VARIABLES[option]}`);
  }
  return value;
}

/** Evaluates a config that may be a function of the request or context, then resolves it against `env`. */
export async function loadConfig<Config extends PolarConnection, Context>(
  input: ConfigInput<Config, Context>,
  context: Context,
  env?: PolarEnv,
): Promise<Readonly<Config>> {
  const config =
    typeof input === "function" ? await (input as (context: Context) => Config | Promise<Config>)(context) : input;
  return resolveConfig(config, env);
}
