import type { BenefitGrantWebhook, Order, Subscription } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import {
  type FactSink,
  hasAccess,
  isNotOlder,
  type LicenseKeyFact,
  licenseKeyFact,
  type OrderFact,
  orderOwnedBy,
  type SubscriptionFact,
  webhookHandlers,
} from "./facts.js";

const subscription = {
  id: "sub_1",
  customer_id: "cus_1",
  customer: { external_id: "user_1" },
  product: { name: "Pro" },
  amount: 900,
  currency: "usd",
  recurring_interval: "month",
  recurring_interval_count: 1,
  status: "active",
  cancel_at_period_end: false,
  current_period_end: "2026-02-01T00:00:00Z",
  ends_at: null,
  ended_at: null,
  created_at: "2026-01-01T00:00:00Z",
  modified_at: "2026-01-02T00:00:00Z",
} as unknown as Subscription;

const grant = (type: string, properties: object) =>
  ({
    id: "grant_1",
    customer_id: "cus_1",
    customer: { external_id: "user_1" },
    benefit: { type, description: "CLI license" },
    properties,
    is_granted: true,
    is_revoked: false,
    created_at: "2026-01-01T00:00:00Z",
    modified_at: null,
  }) as unknown as BenefitGrantWebhook;

function recordingSink() {
  const recorded: { orders: OrderFact[]; subscriptions: SubscriptionFact[]; licenseKeys: LicenseKeyFact[] } = {
    orders: [],
    subscriptions: [],
    licenseKeys: [],
  };
  const sink: FactSink = {
    recordOrder: (order) => void recorded.orders.push(order),
    recordSubscription: (s) => void recorded.subscriptions.push(s),
    recordLicenseKey: (k) => void recorded.licenseKeys.push(k),
  };
  return { sink, recorded };
}

describe("facts", () => {
  it("keeps only license key grants that carry a display key", () => {
    expect(licenseKeyFact(grant("custom", {}))).toBeUndefined();
    expect(licenseKeyFact(grant("license_keys", {}))).toBeUndefined();
    expect(licenseKeyFact(grant("license_keys", { display_key: "****-A1B2" }))).toMatchObject({
      grantId: "grant_1",
      externalCustomerId: "user_1",
      displayKey: "****-A1B2",
      granted: true,
      modifiedAt: "2026-01-01T00:00:00Z",
    });
  });

  it("lets an equal or newer state replace the stored one, never an older one", () => {
    const at = (modifiedAt: string) => ({ modifiedAt });
    expect(isNotOlder(at("2026-01-02T00:00:00Z"), undefined)).toBe(true);
    expect(isNotOlder(at("2026-01-02T00:00:00Z"), at("2026-01-02T00:00:00Z"))).toBe(true);
    expect(isNotOlder(at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"))).toBe(false);
  });

  it("gives access to active and trialing subscriptions only", () => {
    expect(["active", "trialing", "past_due", "canceled"].map((status) => hasAccess({ status }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("webhookHandlers", () => {
  it("records every subscription event's state, with the event's type", async () => {
    const { sink, recorded } = recordingSink();
    const handlers = webhookHandlers<Request>(sink);
    const request = new Request("http://localhost/webhooks/polar");
    const event = { type: "subscription.revoked", timestamp: "", data: { ...subscription, status: "canceled" } };
    await handlers.onSubscriptionRevoked(event as never, request);
    expect(recorded.subscriptions).toEqual([
      expect.objectContaining({ id: "sub_1", status: "canceled", lastEvent: "subscription.revoked" }),
    ]);
  });

  it("records paid orders and skips grants of other benefits, opening a lazy sink only when needed", async () => {
    const { sink, recorded } = recordingSink();
    let opened = 0;
    const handlers = webhookHandlers<Request>(() => {
      opened += 1;
      return sink;
    });
    expect(opened).toBe(0);
    const request = new Request("http://localhost/webhooks/polar");
    const order = {
      id: "ord_1",
      checkout_id: "co_1",
      customer_id: "cus_1",
      customer: { external_id: "user_1" },
      product: null,
      description: "Pro",
      total_amount: 900,
      currency: "usd",
      billing_reason: "purchase",
      subscription_id: null,
      created_at: "2026-01-01T00:00:00Z",
    } as unknown as Order;
    await handlers.onOrderPaid({ type: "order.paid", data: order } as never, request);
    await handlers.onBenefitGrantCreated(
      { type: "benefit_grant.created", data: grant("custom", {}) } as never,
      request,
    );
    expect(recorded.orders).toEqual([expect.objectContaining({ id: "ord_1", productName: "Pro", checkoutId: "co_1" })]);
    expect(recorded.licenseKeys).toEqual([]);
  });
});

describe("orderOwnedBy", () => {
  const order = { id: "ord_1", checkoutId: "co_1", externalCustomerId: "user_1" } as OrderFact;

  it("gives the order to the user whose checkout it was", () => {
    expect(orderOwnedBy(order, { id: "user_1" })).toBe(order);
  });

  it("gives nothing to another user, to a visitor, or for an order of no user of ours", () => {
    expect(orderOwnedBy(order, { id: "user_2" })).toBeUndefined();
    expect(orderOwnedBy(order, undefined)).toBeUndefined();
    expect(orderOwnedBy({ ...order, externalCustomerId: null }, { id: "user_1" })).toBeUndefined();
    expect(orderOwnedBy(undefined, { id: "user_1" })).toBeUndefined();
  });
});
