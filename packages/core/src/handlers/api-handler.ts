// The frame shared by the handlers that call the Polar API (checkout, customer portal): allowed
// methods, the config (a value or a function of the context) with its settings read from the
// environment, a client holding the access token, and every failure turned into a safe response.
import { apiFailureResponse, type Logger } from "../_internal/failures";
import { refuseOtherMethods } from "../_internal/http";
import { createTransport } from "../_internal/transport";
import { httpUrl } from "../_internal/urls";
import type { Client } from "../client";
import { type ConfigInput, loadConfig, type PolarConnection, type PolarEnv, requireSetting, setting } from "../config";

/** What adapters pass along with the request. */
export interface HandlerOptions<Context = Request> {
  /** Environment variables (adapters pass `process.env`, `$env/dynamic/private`, `c.env`, …). */
  env?: PolarEnv;
  /** The framework's own request context, handed to config functions and callbacks. */
  context?: Context;
}

/**
 * Runs `handle` with the resolved config and a client; what it throws goes to `failure` (by default
 * the API failure answers), logged with the config's logger once there is one.
 */
export async function runApiHandler<Config extends PolarConnection & { logger?: Logger }, Context>(
  request: Request,
  config: ConfigInput<Config, Context>,
  options: HandlerOptions<Context>,
  handle: (resolved: Readonly<Config>, client: Client, context: Context) => Promise<Response>,
  failure: (error: unknown, logger: Logger) => Response = apiFailureResponse,
): Promise<Response> {
  const refused = refuseOtherMethods(request, "GET, POST");
  if (refused) return refused;
  const context = (options.context ?? request) as Context;
  let logger: Logger = console;
  try {
    const resolved = await loadConfig(config, context);
    const { env } = options;
    logger = resolved.logger ?? console;
    // One attempt per request: a failure is answered at once rather than retried while someone waits.
    const client = createTransport({
      ...resolved,
      accessToken: requireSetting(resolved, env, "accessToken", "POLAR_ACCESS_TOKEN"),
      server: setting(resolved, env, "server", "POLAR_SERVER") as PolarConnection["server"],
      baseUrl: setting(resolved, env, "baseUrl", "POLAR_API_URL"),
    });
    return await handle(resolved, client, context);
  } catch (error) {
    return failure(error, logger);
  }
}

/**
 * A 303 See Other to a hosted Polar page (so a POST form turns into a GET of it); an API answer
 * without an http(s) URL is a failure, never a redirect.
 */
export function redirectToPolar(url: string | undefined, what: string): Response {
  const target = url ? httpUrl(url) : undefined;
  if (!target) throw new Error(`Polar returned ${what} without an http(s) url`);
  return new Response(null, { status: 303, headers: { location: target.href, "cache-control": "no-store" } });
}
