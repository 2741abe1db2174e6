import { describe, expectTypeOf, it } from "vitest";
import type { Order, Schema, Subscription, webhooks } from "../src/index";
import {
  type UnknownWebhookEvent,
  verifyWebhook,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
} from "../src/webhooks";
import * as nodeEntry from "../src/webhooks/node";

// Written out by hand on purpose: a type-level copy of the spec's 41 names.
type SpecNames =
  | "checkout.created"
  | "checkout.updated"
  | "checkout.expired"
  | "customer.created"
  | "customer.updated"
  | "customer.deleted"
  | "customer.state_changed"
  | "customer_seat.assigned"
  | "customer_seat.claimed"
  | "customer_seat.revoked"
  | "member.created"
  | "member.updated"
  | "member.deleted"
  | "order.created"
  | "order.updated"
  | "order.paid"
  | "order.refunded"
  | "subscription.created"
  | "subscription.updated"
  | "subscription.active"
  | "subscription.canceled"
  | "subscription.uncanceled"
  | "subscription.cycled"
  | "subscription.revoked"
  | "subscription.past_due"
  | "subscription.paused"
  | "subscription.resumed"
  | "refund.created"
  | "refund.updated"
  | "product.created"
  | "product.updated"
  | "discount.created"
  | "discount.updated"
  | "discount.deleted"
  | "organization.updated"
  | "benefit.created"
  | "benefit.updated"
  | "benefit_grant.created"
  | "benefit_grant.updated"
  | "benefit_grant.cycled"
  | "benefit_grant.revoked";

declare const event: Awaited<ReturnType<typeof verifyWebhook>>;
declare function assertNever(value: never): never;

describe("webhook types", () => {
  it("has exactly the 41 documented names", () => {
    expectTypeOf<WebhookEventType>().toEqualTypeOf<SpecNames>();
    expectTypeOf<WebhookEvent["type"]>().toEqualTypeOf<SpecNames>();
    expectTypeOf<keyof webhooks>().toEqualTypeOf<SpecNames>();
    expectTypeOf(WEBHOOK_EVENT_TYPES).toEqualTypeOf<readonly WebhookEventType[]>();
  });

  it("derives each event from the generated spec types", () => {
    expectTypeOf<WebhookEventOf<"order.paid">>().toEqualTypeOf<Schema<"WebhookOrderPaidPayload">>();
    expectTypeOf<WebhookEventOf<"order.paid">["data"]>().toEqualTypeOf<Order>();
    expectTypeOf<WebhookEventOf<"subscription.active">["data"]>().toEqualTypeOf<Subscription>();
    expectTypeOf<WebhookEventOf<"customer.state_changed">["data"]>().toEqualTypeOf<Schema<"CustomerState">>();
  });

  it("resolves verifyWebhook to a documented or an unknown event, on both builds", () => {
    expectTypeOf(verifyWebhook).returns.resolves.toEqualTypeOf<WebhookEvent | UnknownWebhookEvent>();
    expectTypeOf(nodeEntry.verifyWebhook).toEqualTypeOf(verifyWebhook);
    expectTypeOf(nodeEntry.signWebhook).toEqualTypeOf<typeof import("../src/webhooks").signWebhook>();
  });

  it("narrows on type, straight from verifyWebhook's result", () => {
    if (event.type === "order.paid") {
      expectTypeOf(event).toEqualTypeOf<WebhookEventOf<"order.paid">>();
      expectTypeOf(event.data).toEqualTypeOf<Order>();
      expectTypeOf(event.data.total_amount).toEqualTypeOf<number>();
      expectTypeOf(event.timestamp).toEqualTypeOf<string>();
    }
    switch (event.type) {
      case "subscription.canceled":
        expectTypeOf(event.data).toEqualTypeOf<Subscription>();
        break;
      case "checkout.updated":
        expectTypeOf(event.data).toEqualTypeOf<Schema<"Checkout">>();
        break;
    }
  });

  it("keeps unknown events in the default branch, so handlers must answer them", () => {
    switch (event.type) {
      case "order.paid":
        break;
      default:
        expectTypeOf(event).toExtend<WebhookEvent | UnknownWebhookEvent>();
        expectTypeOf<UnknownWebhookEvent>().toExtend<typeof event>();
        expectTypeOf(event.data).toBeUnknown();
        expectTypeOf(String(event.type)).toEqualTypeOf<string>();
        // @ts-expect-error: an unknown event type is not `never`, so an exhaustive switch must handle it
        assertNever(event);
    }
  });
});
