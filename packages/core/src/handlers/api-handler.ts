// The frame shared by the handlers that call the Polar API (checkout, customer portal): allowed
// methods, the config (a value or a function of the context) with its settings read from the
// environment, a client holding the access token, cross-site POSTs refused, and every failure
// turned into a safe response.
import { apiFailureResponse, type Logger } from "../_internal/failures";
import { jsonError, refuseOtherMethods } from "../_internal/http";
import { createTransport } from "../_internal/transport";
import { httpUrl } from "../_internal/urls";
import type { Client } from "../client";
import { type ConfigInput, loadConfig, type PolarConnection, type PolarEnv, requireSetting, setting } from "../config";

/** Where the app lives, for the handlers that send a visitor to Polar and back (checkout, portal). */
export interface AppSite {
  /**
   * The app's own URL (e.g. `https://shop.example`), which relative `successUrl`/`returnUrl`
   * resolve against. Without it they resolve against the request only on localhost: elsewhere the
   * request's host comes from its Host header, which a visitor chooses.
   * @default env.POLAR_APP_URL
   */
  appUrl?: string;
  /**
   * Origins besides the app's own that may POST to the route (as SvelteKit's `csrf.trustedOrigins`).
   * A POST from any other site is refused with 403, so another site cannot start a checkout or
   * open a portal session on a visitor's behalf.
   */
  trustedOrigins?: readonly string[];
}

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
export async function runApiHandler<Config extends PolarConnection & AppSite & { logger?: Logger }, Context>(
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
    const { env } = options;
    const loaded = await loadConfig(config, context);
    const resolved = { ...loaded, appUrl: setting(loaded, env, "appUrl", "POLAR_APP_URL") };
    logger = resolved.logger ?? console;
    if (request.method === "POST" && isCrossSite(request, resolved)) {
      return jsonError(403, "cross_site_request", "Cross-site POST requests are refused");
    }
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

/**
 * Whether a POST comes from another site, as the browser tells it: `Sec-Fetch-Site`, else an
 * `Origin` that is neither the request's, the app's nor a trusted one (`null` included). Requests
 * that carry neither header (servers, curl, old browsers on same-origin forms) pass.
 */
function isCrossSite(request: Request, site: AppSite): boolean {
  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite === "same-origin" || fetchSite === "none") return false;
  const origin = request.headers.get("origin");
  if (origin === null) return fetchSite === "cross-site" || fetchSite === "same-site";
  const allowed = [request.url, site.appUrl, ...(site.trustedOrigins ?? [])];
  return !allowed.some((url) => url && httpUrl(url)?.origin === origin);
}
