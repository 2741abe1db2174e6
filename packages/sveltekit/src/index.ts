import {
  type CheckoutConfig,
  type ConfigInput,
  type CustomerPortalConfig,
  handleCheckout,
  handleCustomerPortal,
  handleWebhook,
  polarEnv,
  type WebhookConfig,
} from "@polar-kit/core";
// The node:crypto build on Node.js, WebCrypto elsewhere: resolved by the runtime's export conditions.
import { webhookHmac } from "@polar-kit/core/webhooks";
import type { RequestEvent, RequestHandler } from "@sveltejs/kit";
import type { sequence } from "@sveltejs/kit/hooks";

export * from "@polar-kit/core/adapter";

// `Handle` lives in `@sveltejs/kit` on Kit 2 and in `@sveltejs/kit/hooks` on Kit 3; `sequence`
// takes and returns it in both, so this names the installed major's own `Handle`.
type Handle = ReturnType<typeof sequence>;

const processEnv = () => (globalThis as { process?: { env?: unknown } }).process?.env;

/**
 * A config value, or a function of the `RequestEvent`, called per request: read your app's
 * environment in it (`$app/env/private` on Kit 3, `$env/dynamic/private` on Kit 2) or `event.platform.env`.
 */
export type SvelteKitConfig<Config> = ConfigInput<Config, RequestEvent>;

// Node adapters keep variables in process.env, Cloudflare in platform.env; both are read per request.
// Only the documented names are read.
const envOf = (event: RequestEvent) => polarEnv(processEnv(), (event.platform as { env?: unknown } | undefined)?.env);

/**
 * A `+server.ts` handler that creates a checkout session and redirects to it.
 *
 * @example
 * // src/routes/checkout/+server.ts
 * import { Checkout } from "@polar-kit/sveltekit";
 *
 * export const POST = Checkout({ successUrl: "/thanks" });
 */
export function Checkout(config: SvelteKitConfig<CheckoutConfig<RequestEvent>> = {}): RequestHandler {
  return (event) => handleCheckout(event.request, config, { context: event, env: envOf(event) });
}

/**
 * A `+server.ts` handler that opens the customer portal for the signed-in user.
 *
 * @example
 * // src/routes/portal/+server.ts (`App.Locals` declares `user?: { id: string }` in src/app.d.ts)
 * import { CustomerPortal } from "@polar-kit/sveltekit";
 *
 * export const GET = CustomerPortal({ getExternalCustomerId: (event) => event.locals.user?.id });
 */
export function CustomerPortal(config: SvelteKitConfig<CustomerPortalConfig<RequestEvent>>): RequestHandler {
  return (event) => handleCustomerPortal(event.request, config, { context: event, env: envOf(event) });
}

/**
 * A `+server.ts` handler that verifies Polar webhooks and runs the typed handler of each event.
 *
 * @example
 * // src/routes/webhooks/polar/+server.ts
 * import { Webhooks } from "@polar-kit/sveltekit";
 * import { markPaid } from "../../../lib/server/orders";
 *
 * export const POST = Webhooks({ onOrderPaid: async (event) => markPaid(event.data.id) });
 */
export function Webhooks(config: SvelteKitConfig<WebhookConfig<RequestEvent>>): RequestHandler {
  return (event) => handleWebhook(event.request, config, { context: event, env: envOf(event), hmac: webhookHmac });
}

/** Options of `polarHandle`: the three routes under one prefix. Leave one out to not mount it. */
export interface PolarHandleOptions {
  /** @default "/polar" */
  basePath?: string;
  /** Mounted at `${basePath}/checkout`. */
  checkout?: SvelteKitConfig<CheckoutConfig<RequestEvent>>;
  /** Mounted at `${basePath}/portal`. */
  customerPortal?: SvelteKitConfig<CustomerPortalConfig<RequestEvent>>;
  /** Mounted at `${basePath}/webhooks`. */
  webhooks?: SvelteKitConfig<WebhookConfig<RequestEvent>>;
}

/**
 * A `handle` hook serving checkout, portal and webhooks under one prefix; other requests go on to
 * `resolve`. Composes with `sequence`. Its type is the installed SvelteKit's `Handle`.
 *
 * @example
 * // src/hooks.server.ts
 * import { polarHandle } from "@polar-kit/sveltekit";
 * import { sequence } from "@sveltejs/kit/hooks";
 * import { authHandle } from "./lib/server/auth";
 * import { onOrderPaid } from "./lib/server/orders";
 *
 * export const handle = sequence(authHandle, polarHandle({ checkout: { successUrl: "/thanks" }, webhooks: { onOrderPaid } }));
 */
export function polarHandle(options: PolarHandleOptions): Handle {
  const base = (options.basePath ?? "/polar").replace(/\/+$/, "");
  const routes = new Map<string, RequestHandler>();
  if (options.checkout) routes.set(`${base}/checkout`, Checkout(options.checkout));
  if (options.customerPortal) routes.set(`${base}/portal`, CustomerPortal(options.customerPortal));
  if (options.webhooks) routes.set(`${base}/webhooks`, Webhooks(options.webhooks));
  return async ({ event, resolve }) => {
    const route = routes.get(event.url.pathname);
    return route ? route(event as Parameters<RequestHandler>[0]) : resolve(event);
  };
}
