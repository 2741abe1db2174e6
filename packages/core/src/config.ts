import type { ClientOptions } from "./client";
import { PolarConfigError } from "./errors";

export { PolarConfigError };

/** The environment variables polar-kit understands. Adapters pass them in; the core never reads `process.env`. */
export interface PolarEnv {
  POLAR_ACCESS_TOKEN?: string | undefined;
  POLAR_WEBHOOK_SECRET?: string | undefined;
  /** `"production"` or `"sandbox"`. */
  POLAR_SERVER?: string | undefined;
  /** Any other API origin, e.g. the local emulator. */
  POLAR_API_URL?: string | undefined;
  /** The app's own URL, e.g. `https://shop.example`: relative `successUrl`/`returnUrl` resolve against it. */
  POLAR_APP_URL?: string | undefined;
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

const VARIABLES = {
  accessToken: "POLAR_ACCESS_TOKEN",
  webhookSecret: "POLAR_WEBHOOK_SECRET",
  server: "POLAR_SERVER",
  baseUrl: "POLAR_API_URL",
  appUrl: "POLAR_APP_URL",
} as const;

type Setting = keyof typeof VARIABLES;

/**
 * The documented variables from each source, later sources winning: read one by one by name and
 * never enumerated, so a runtime that guards its environment (Deno with `--allow-env=POLAR_…`)
 * is asked only for those, and a variable it refuses counts as unset.
 *
 * @example
 * polarEnv(globalThis.process?.env, c.env) // Node's variables, then a Worker's bindings
 */
export function polarEnv(...sources: unknown[]): PolarEnv {
  const env: Record<string, string> = {};
  for (const source of sources) {
    if (typeof source !== "object" || source === null) continue;
    for (const name of Object.values(VARIABLES)) {
      const value = readGuarded(source, name);
      if (typeof value === "string" && value.trim()) env[name] = value;
    }
  }
  return env;
}

function readGuarded(source: object, name: string): unknown {
  try {
    return (source as Record<string, unknown>)[name];
  } catch {
    return undefined; // e.g. Deno's NotCapable for a variable outside --allow-env
  }
}

/**
 * One connection setting: the config's own value, else its environment variable when it is set
 * (trimmed; values that are not text, such as a Worker's KV binding, count as unset). Callers name
 * the variable (checked against the option), so a route carries only the names it reads.
 */
export function setting<Option extends Setting>(
  config: { [Name in Setting]?: string },
  env: PolarEnv | undefined,
  option: Option,
  variable: (typeof VARIABLES)[Option],
): string | undefined {
  const value: unknown = env?.[variable];
  return config[option] ?? ((typeof value === "string" && value.trim()) || undefined);
}

/** A setting the handler cannot run without, or a config error naming it and its variable (never a value). */
export function requireSetting<Option extends Setting>(
  config: { [Name in Setting]?: string },
  env: PolarEnv | undefined,
  option: Option,
  variable: (typeof VARIABLES)[Option],
): string {
  const value = setting(config, env, option, variable);
  if (!value) throw new PolarConfigError(option, `Missing ${option}: pass it in the config or set ${variable}`);
  return value;
}

/**
 * Fills connection settings from the environment (explicit options win), checks `server` and
 * `baseUrl`, and returns a new frozen object; the caller's config is never changed.
 *
 * @example
 * const config = resolveConfig({ successUrl: "/thanks" }, process.env);
 * // config.accessToken comes from POLAR_ACCESS_TOKEN
 */
export function resolveConfig<Config extends PolarConnection>(config: Config, env: PolarEnv = {}): Readonly<Config> {
  const resolved: Record<string, unknown> = { ...(config as object) };
  for (const [option, variable] of Object.entries(VARIABLES) as [Setting, (typeof VARIABLES)[Setting]][]) {
    resolved[option] = setting(config, env, option, variable);
  }
  const { server, baseUrl } = resolved as PolarConnection;
  if (server !== undefined && server !== "production" && server !== "sandbox") {
    throw new PolarConfigError("server", 'server (POLAR_SERVER) must be "production" or "sandbox"');
  }
  if (baseUrl !== undefined && !/^https?:\/\/[^/]/.test(baseUrl)) {
    throw new PolarConfigError("baseUrl", "baseUrl (POLAR_API_URL) must be an http(s) URL");
  }
  return Object.freeze(resolved) as Readonly<Config>;
}

/** Evaluates a config that may be a function of the request or context. */
export const loadConfig = async <Config, Context>(
  input: ConfigInput<Config, Context>,
  context: Context,
): Promise<Config> =>
  typeof input === "function" ? (input as (context: Context) => Config | Promise<Config>)(context) : input;
