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
import type { Context, Env, MiddlewareHandler } from "hono";

export * from "@polar-kit/core/adapter";

const processEnv = () => (globalThis as { process?: { env?: unknown } }).process?.env;

/** A config value, or a function of the Hono `Context` (so `c.env` bindings work on Workers). */
export type HonoConfig<Config, E extends Env = Env> = ConfigInput<Config, Context<E>>;

// Why the app's `Env` defaults to `any`: Hono's routing methods infer their own `Env` from the
// handler they are given, so a middleware created inline (`app.get("/portal", customerPortal(…))`)
// cannot learn the app's types from that position (TypeScript infers nothing for it there). With
// `Env` as the default, `c.get("user")` would not compile; with `any` (as Hono's `createMiddleware`),
// inline callbacks get `Context<any>`, and `customerPortal<AppEnv>(…)` types them fully.
// biome-ignore lint/suspicious/noExplicitAny: see above.
type AnyEnv = any;

// Node, Bun and Deno keep variables in `process.env`, Workers in `c.env`. Only the documented
// names are read, per request; bindings that are not text (KV, D1, …) are ignored.
const envOf = (c: Context) => polarEnv(processEnv(), c.env);

/**
 * Creates a checkout session from the request (GET query or POST form) and redirects to it.
 *
 * @example
 * app.on(["GET", "POST"], "/checkout", checkout({ successUrl: "/thanks" }));
 */
export function checkout<E extends Env = AnyEnv>(
  config: HonoConfig<CheckoutConfig<Context<E>>, E>,
): MiddlewareHandler<E> {
  return (c) => handleCheckout(c.req.raw, config, { context: c, env: envOf(c) });
}

/**
 * Opens the customer portal for the signed-in user, resolved from your session with `getCustomerId(c)`
 * or `getExternalCustomerId(c)`.
 *
 * @example
 * app.get("/portal", customerPortal({ getExternalCustomerId: (c) => c.get("user")?.id }));
 * // typed callbacks: customerPortal<AppEnv>({ … })
 */
export function customerPortal<E extends Env = AnyEnv>(
  config: HonoConfig<CustomerPortalConfig<Context<E>>, E>,
): MiddlewareHandler<E> {
  return (c) => handleCustomerPortal(c.req.raw, config, { context: c, env: envOf(c) });
}

/**
 * Verifies Polar webhooks and runs the typed handler of each event (`onOrderPaid`, …).
 *
 * @example
 * app.post("/webhooks/polar", webhooks({ onOrderPaid: async (event) => markPaid(event.data.id) }));
 * // Workers bindings: webhooks((c) => ({ webhookSecret: c.env.SHOP_WEBHOOK_SECRET, onOrderPaid }))
 */
export function webhooks<E extends Env = AnyEnv>(
  config: HonoConfig<WebhookConfig<Context<E>>, E>,
): MiddlewareHandler<E> {
  return (c) => handleWebhook(c.req.raw, config, { context: c, env: envOf(c), hmac: webhookHmac });
}

/** The same three middlewares under the names every polar-kit adapter uses. */
export { checkout as Checkout, customerPortal as CustomerPortal, webhooks as Webhooks };
