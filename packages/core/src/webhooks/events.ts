import type { webhooks } from "../generated/openapi";

/** The name of every webhook event Polar documents, e.g. `"order.paid"`. */
export type WebhookEventType = keyof webhooks;

/**
 * The payload of one event type, as the spec defines it: `{ type, timestamp, data }`.
 *
 * @example
 * async function onOrderPaid(event: WebhookEventOf<"order.paid">) { await grantAccess(event.data.customer_id) }
 */
export type WebhookEventOf<T extends WebhookEventType> = NonNullable<
  webhooks[T]["post"]
>["requestBody"]["content"]["application/json"];

/**
 * Any documented webhook event: a union discriminated on `type`.
 *
 * @example
 * if (event.type === "order.paid") console.log(event.data.total_amount);
 */
export type WebhookEvent = { [T in WebhookEventType]: WebhookEventOf<T> }[WebhookEventType];

declare const unknownType: unique symbol;

/**
 * The `type` of an event this version does not document. It is a string at run time, typed as a
 * branded object with the string methods only so that `event.type === "order.paid"` keeps
 * narrowing to the documented event. Use `String(event.type)` for a plain string.
 */
export interface UnknownWebhookEventType extends Omit<string, never> {
  readonly [unknownType]: true;
}

/**
 * An event whose `type` Polar added after this version: verified, parsed and returned rather than
 * thrown, so a handler can answer 2xx and ignore it instead of making Polar retry.
 *
 * @example
 * default: console.warn(`unhandled webhook ${String(event.type)}`);
 */
export interface UnknownWebhookEvent {
  type: UnknownWebhookEventType;
  timestamp?: string;
  data?: unknown;
}

// A record, not a list, so the compiler checks it has every event type and nothing else.
const EVENT_TYPES: Record<WebhookEventType, 0> = {
  "checkout.created": 0,
  "checkout.updated": 0,
  "checkout.expired": 0,
  "customer.created": 0,
  "customer.updated": 0,
  "customer.deleted": 0,
  "customer.state_changed": 0,
  "customer_seat.assigned": 0,
  "customer_seat.claimed": 0,
  "customer_seat.revoked": 0,
  "member.created": 0,
  "member.updated": 0,
  "member.deleted": 0,
  "order.created": 0,
  "order.updated": 0,
  "order.paid": 0,
  "order.refunded": 0,
  "subscription.created": 0,
  "subscription.updated": 0,
  "subscription.active": 0,
  "subscription.canceled": 0,
  "subscription.uncanceled": 0,
  "subscription.cycled": 0,
  "subscription.revoked": 0,
  "subscription.past_due": 0,
  "subscription.paused": 0,
  "subscription.resumed": 0,
  "refund.created": 0,
  "refund.updated": 0,
  "product.created": 0,
  "product.updated": 0,
  "discount.created": 0,
  "discount.updated": 0,
  "discount.deleted": 0,
  "organization.updated": 0,
  "benefit.created": 0,
  "benefit.updated": 0,
  "benefit_grant.created": 0,
  "benefit_grant.updated": 0,
  "benefit_grant.cycled": 0,
  "benefit_grant.revoked": 0,
};

/**
 * Every documented webhook event type, in the spec's order.
 *
 * @example
 * const known = (WEBHOOK_EVENT_TYPES as readonly string[]).includes(String(event.type));
 */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Object.keys(EVENT_TYPES) as WebhookEventType[],
);

/**
 * Whether an event's type is one this version documents; narrows away `UnknownWebhookEvent`.
 *
 * @example
 * if (!isKnownWebhookEvent(event)) return new Response(null, { status: 202 });
 */
export function isKnownWebhookEvent(event: WebhookEvent | UnknownWebhookEvent): event is WebhookEvent {
  return KNOWN_TYPE.test(event.type as string);
}

// EVENT_TYPES as one pattern, the smaller thing for a webhook route to carry; a test checks that
// it matches every listed type and nothing else.
const KNOWN_TYPE =
  /^(?:checkout\.(?:created|updated|expired)|customer\.(?:created|updated|deleted|state_changed)|customer_seat\.(?:assigned|claimed|revoked)|member\.(?:created|updated|deleted)|order\.(?:created|updated|paid|refunded)|subscription\.(?:created|updated|active|canceled|uncanceled|cycled|revoked|past_due|paused|resumed)|refund\.(?:created|updated)|product\.(?:created|updated)|discount\.(?:created|updated|deleted)|organization\.updated|benefit\.(?:created|updated)|benefit_grant\.(?:created|updated|cycled|revoked))$/;
