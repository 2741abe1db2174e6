import { apiFailureResponse, type Logger } from "../_internal/failures";
import { jsonError } from "../_internal/http";
import { configuredUrl } from "../_internal/urls";
import { type ConfigInput, PolarConfigError, type PolarConnection } from "../config";
import { PolarApiError } from "../errors";
import { customerSessionsCreate } from "../generated/operations";
import { type AppSite, type HandlerOptions, redirectToPolar, runApiHandler } from "./api-handler";

type Resolver<Context> = (context: Context) => string | null | undefined | Promise<string | null | undefined>;

/** Options of `handleCustomerPortal`. Give exactly one of the two resolvers. */
export interface CustomerPortalConfig<Context = Request> extends PolarConnection, AppSite {
  /** The signed-in user's Polar customer id, from the app's own session; nothing means "not signed in". */
  getCustomerId?: Resolver<Context>;
  /** The signed-in user's id in the app (Polar's `external_customer_id`), from the app's own session. */
  getExternalCustomerId?: Resolver<Context>;
  /** Where the portal's back link leads: absolute, or relative to `appUrl`. */
  returnUrl?: string;
  /** @default console */
  logger?: Logger;
}

/**
 * Opens the Polar customer portal for the signed-in user: creates a customer session for the
 * customer the app's session names (never one named in the URL) and redirects (303) to it.
 *
 * @example
 * export const GET = (request: Request) =>
 *   handleCustomerPortal(request, { getExternalCustomerId: async (req) => (await getSession(req))?.userId });
 */
export function handleCustomerPortal<Context = Request>(
  request: Request,
  config: ConfigInput<CustomerPortalConfig<Context>, Context>,
  options: HandlerOptions<Context> = {},
): Promise<Response> {
  const failure = (error: unknown, logger: Logger) => {
    // The API answers 422 ("Customer does not exist") or 404 for an unknown customer.
    if (error instanceof PolarApiError && (error.status === 404 || error.status === 422)) {
      logger.warn(`[polar-kit] customer portal: ${error.message}`);
      return jsonError(404, "customer_not_found", "No billing account was found for this user");
    }
    return apiFailureResponse(error, logger);
  };
  return runApiHandler(
    request,
    config,
    options,
    async (resolved, client, context) => {
      const { getCustomerId, getExternalCustomerId } = resolved;
      if (!getCustomerId === !getExternalCustomerId) {
        throw new PolarConfigError("getCustomerId", "Give exactly one of getCustomerId or getExternalCustomerId");
      }
      const id = await (getCustomerId ?? getExternalCustomerId)?.(context);
      if (!id) return jsonError(401, "unauthorized", "Sign in to manage your billing");
      const returnUrl = configuredUrl(resolved, "returnUrl", request);
      const session = await customerSessionsCreate(client, {
        ...(getCustomerId ? { customer_id: id } : { external_customer_id: id }),
        ...(returnUrl && { return_url: returnUrl }),
      } as Parameters<typeof customerSessionsCreate>[1]);
      return redirectToPolar(session.customer_portal_url, "a customer session");
    },
    failure,
  );
}
