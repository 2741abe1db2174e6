// The frame shared by the handlers that call the Polar API (checkout, customer portal): allowed
// methods, the config (a value or a function of the context) resolved against the environment, a
// client holding the access token, and every failure turned into a safe response.
import { apiFailureResponse, type Logger } from "../_internal/failures";
import { refuseOtherMethods, seeOther } from "../_internal/http";
import { httpUrl } from "../_internal/urls";
import { type Client, createClient } from "../client";
import { type ConfigInput, loadConfig, type PolarConnection, type PolarEnv, requireOption } from "../config";

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
  const refused = refuseOtherMethods(request, ["GET", "POST"]);
  if (refused) return refused;
  const context = (options.context ?? request) as Context;
  let logger: Logger = console;
  try {
    const resolved = await loadConfig(config, context, options.env);
    logger = resolved.logger ?? console;
    const client = createClient({ ...resolved, accessToken: requireOption(resolved, "accessToken") });
    return await handle(resolved, client, context);
  } catch (error) {
    return failure(error, logger);
  }
}

/** A 303 to a hosted Polar page; an API answer without an http(s) URL is a failure, never a redirect. */
export function redirectToPolar(url: string | undefined, what: string): Response {
  const target = url ? httpUrl(url) : undefined;
  if (!target) throw new Error(`Polar returned ${what} without an http(s) url`);
  return seeOther(target.href);
}
