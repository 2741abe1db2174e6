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
import type { NextRequest } from "next/server";

export * from "@polar-kit/core/adapter";

/** A config value, or a function of the `NextRequest`. */
export type NextConfig<Config> = ConfigInput<Config, NextRequest>;

/** An App Router route handler. */
export type RouteHandler = (request: NextRequest) => Promise<Response>;

// Read at request time, not import time, so values set after build (or per deployment) apply.
const env = () => polarEnv((globalThis as { process?: { env?: unknown } }).process?.env);

/**
 * A route handler that creates a checkout session and redirects to it.
 *
 * @example
 * // app/checkout/route.ts: a POST form, or GET ?products=<id>
 * import { Checkout } from "@polar-kit/nextjs";
 *
 * export const POST = Checkout({ successUrl: "/thanks" });
 * export const GET = POST;
 */
export function Checkout(config: NextConfig<CheckoutConfig<NextRequest>> = {}): RouteHandler {
  return (request) => handleCheckout(request, config, { context: request, env: env() });
}

/**
 * A route handler that opens the customer portal for the signed-in user.
 *
 * @example
 * // app/portal/route.ts
 * import { CustomerPortal } from "@polar-kit/nextjs";
 * import { auth } from "@/auth"; // your session, e.g. Auth.js
 *
 * export const GET = CustomerPortal({ getExternalCustomerId: async () => (await auth())?.user?.id });
 */
export function CustomerPortal(config: NextConfig<CustomerPortalConfig<NextRequest>>): RouteHandler {
  return (request) => handleCustomerPortal(request, config, { context: request, env: env() });
}

/**
 * A route handler that verifies Polar webhooks and runs the typed handler of each event.
 *
 * @example
 * // app/api/webhooks/polar/route.ts
 * import { Webhooks } from "@polar-kit/nextjs";
 * import { markPaid } from "@/lib/orders"; // your app's own code
 *
 * export const POST = Webhooks({ onOrderPaid: async (event) => markPaid(event.data.id) });
 */
export function Webhooks(config: NextConfig<WebhookConfig<NextRequest>>): RouteHandler {
  return (request) => handleWebhook(request, config, { context: request, env: env(), hmac: webhookHmac });
}
