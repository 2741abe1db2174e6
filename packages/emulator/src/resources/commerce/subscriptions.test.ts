import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import {
  insertBenefit,
  insertDiscount,
  insertProduct,
  otherOrganization,
  PAYING_FORM,
  type ProductSpec,
  submitCheckoutForm,
  webhookReceiver,
} from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);
const DAY = 24 * 60 * 60 * 1000;

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("should fail"),
    (e) => e as PolarApiError,
  );

let buyers = 0;
/** Subscribes a new customer on the hosted page; returns the subscription. */
async function subscribe(spec: ProductSpec = {}, checkoutFields: Record<string, unknown> = {}) {
  const product = insertProduct(emu, { recurring: "month", prices: [{ type: "fixed", amount: 2000 }], ...spec });
  const checkout = await polar.checkouts.create({ products: [product.id], ...checkoutFields });
  const email = `subscriber-${++buyers}@example.com`;
  const res = await submitCheckoutForm(checkout.url, { ...PAYING_FORM, customer_email: email });
  expect(res.status).toBe(303);
  const [subscription] = (await polar.subscriptions.list({ product_id: product.id })).items;
  await receiver.take();
  return { subscription: subscription!, product };
}

const types = async () => (await receiver.take()).map((e) => e.type);

describe("subscriptions", () => {
  it("cancels at period end, then revokes at the end with the benefits", async () => {
    const license = insertBenefit(emu, "license_keys");
    const { subscription } = await subscribe({ benefits: [license] });
    const canceled = await polar.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
      customer_cancellation_reason: "too_expensive",
    });
    expect(canceled).toMatchObject({
      status: "active",
      cancel_at_period_end: true,
      ends_at: subscription.current_period_end,
      customer_cancellation_reason: "too_expensive",
    });
    expect(canceled.canceled_at).not.toBeNull();
    expect(await types()).toEqual(["subscription.updated", "subscription.canceled", "customer.state_changed"]);
    const twice = await failure(polar.subscriptions.update(subscription.id, { cancel_at_period_end: true }));
    expect(twice.status).toBe(403);
    expect(twice.body).toMatchObject({ error: "AlreadyCanceledSubscription" });

    emu.advanceClock(32 * DAY);
    const ended = await polar.subscriptions.get(subscription.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: subscription.current_period_end });
    expect(await types()).toEqual([
      "subscription.updated",
      "subscription.revoked",
      "customer.state_changed",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const orders = await polar.orders.list({ subscription_id: subscription.id });
    expect(orders.items).toHaveLength(1); // no renewal after a cancellation
    const keys = emu.state.store.all<{ id: string; status: string }>("license_key", {
      customerId: subscription.customer_id,
    });
    expect(keys.map((k) => k.status)).toEqual(["revoked"]);
    const state = await polar.customers.getState(subscription.customer_id);
    expect(state).toMatchObject({ active_subscriptions: [], granted_benefits: [] });
  });

  it("uncancels a pending cancellation", async () => {
    const { subscription } = await subscribe();
    await polar.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await receiver.take();
    const back = await polar.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    expect(back).toMatchObject({ cancel_at_period_end: false, canceled_at: null, ends_at: null, status: "active" });
    expect(await types()).toEqual(["subscription.updated", "subscription.uncanceled", "customer.state_changed"]);
    const notCanceling = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, {
      body: { cancel_at_period_end: false },
    });
    expect(notCanceling.status).toBe(400);
  });

  it("revokes at once with DELETE", async () => {
    const benefit = insertBenefit(emu, "custom");
    const { subscription } = await subscribe({ benefits: [benefit] });
    const revoked = await polar.subscriptions.revoke(subscription.id);
    expect(revoked.status).toBe("canceled");
    expect(revoked.ended_at).not.toBeNull();
    expect(revoked.ended_at).toBe(revoked.ends_at);
    expect(await types()).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const again = await call(emu, "DELETE", `/v1/subscriptions/${subscription.id}`);
    expect(again.status).toBe(403);
    const update = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, { body: { metadata: { a: "b" } } });
    expect(update.status).toBe(403);
    // The revoke flag of `SubscriptionUpdate` does the same.
    const other = await subscribe();
    const flagged = await polar.subscriptions.update(other.subscription.id, { revoke: true });
    expect(flagged.status).toBe("canceled");
  });

  it("renews every period with a new order and cycled grants", async () => {
    const benefit = insertBenefit(emu, "custom");
    const discount = insertDiscount(emu, { basisPoints: 5000, duration: "forever" });
    const { subscription } = await subscribe(
      { recurring: "week", prices: [{ type: "fixed", amount: 1000 }], benefits: [benefit] },
      { discount_id: discount.id },
    );
    emu.advanceClock(15 * DAY); // two weeks: two renewals
    const orders = await polar.orders.list({ subscription_id: subscription.id, sorting: ["created_at"] });
    expect(orders.items.map((o) => [o.billing_reason, o.total_amount])).toEqual([
      ["subscription_create", 500],
      ["subscription_cycle", 500],
      ["subscription_cycle", 500],
    ]);
    const events = await types();
    expect(events.filter((t) => t === "subscription.cycled")).toHaveLength(2);
    expect(events.slice(0, 7)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "order.created",
      "order.updated",
      "order.paid",
      "benefit_grant.cycled",
      "customer.state_changed",
    ]);
  });

  it("ends a trial into the first paid period", async () => {
    const { subscription } = await subscribe({ trial: { interval: "day", count: 7 } });
    expect(subscription).toMatchObject({ status: "trialing" });
    expect(subscription.trial_end).toBe(subscription.current_period_end);
    const first = (await polar.orders.list({ subscription_id: subscription.id })).items;
    expect(first.map((o) => o.total_amount)).toEqual([0]);

    const now = await polar.subscriptions.update(subscription.id, { trial_end: "now" });
    expect(now.status).toBe("active");
    const orders = await polar.orders.list({ subscription_id: subscription.id, sorting: ["created_at"] });
    expect(orders.items.map((o) => [o.billing_reason, o.total_amount])).toEqual([
      ["subscription_create", 0],
      ["subscription_cycle", 2000],
    ]);
    expect(await types()).toContain("subscription.cycled");

    const other = await subscribe({ trial: { interval: "week", count: 1 } });
    emu.advanceClock(8 * DAY);
    expect((await polar.subscriptions.get(other.subscription.id)).status).toBe("active");
  });

  it("changes product now or at the next period, and the discount", async () => {
    const { subscription, product } = await subscribe();
    const bigger = insertProduct(emu, {
      name: "Bigger",
      recurring: "month",
      prices: [{ type: "fixed", amount: 5000 }],
    });
    const later = await polar.subscriptions.update(subscription.id, {
      product_id: bigger.id,
      proration_behavior: "next_period",
    });
    expect(later.product_id).toBe(product.id);
    expect(later.pending_update).toMatchObject({ product_id: bigger.id, applies_at: subscription.current_period_end });
    const cleared = await polar.subscriptions.update(subscription.id, { pending_update: null });
    expect(cleared.pending_update).toBeNull();

    const now = await polar.subscriptions.update(subscription.id, {
      product_id: bigger.id,
      proration_behavior: "invoice",
    });
    expect(now).toMatchObject({ product_id: bigger.id, amount: 5000, product: { name: "Bigger" } });
    const orders = await polar.orders.list({ subscription_id: subscription.id });
    expect(orders.items.map((o) => o.billing_reason)).toContain("subscription_update");

    const discount = insertDiscount(emu, { amount: 1000, duration: "forever" });
    const discounted = await polar.subscriptions.update(subscription.id, { discount_id: discount.id });
    expect(discounted.discount_id).toBe(discount.id);
    const missing = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, {
      body: { product_id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(missing.status).toBe(422);
    const oneTime = insertProduct(emu);
    const notRecurring = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, {
      body: { product_id: oneTime.id },
    });
    expect(notRecurring.body.detail[0]).toMatchObject({ msg: "Product is not a recurring product." });
  });

  it("pauses at period end and resumes", async () => {
    const { subscription } = await subscribe();
    const scheduled = await polar.subscriptions.update(subscription.id, { pause_at_period_end: true });
    expect(scheduled.pause_at_period_end).toBe(true);
    emu.advanceClock(32 * DAY);
    const paused = await polar.subscriptions.get(subscription.id);
    expect(paused.status).toBe("paused");
    expect(await types()).toContain("subscription.paused");
    const resumed = await polar.subscriptions.update(subscription.id, { resume: true });
    expect(resumed.status).toBe("active");
    expect(await types()).toContain("subscription.resumed");
    const notPaused = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, { body: { resume: true } });
    expect(notPaused.status).toBe(409);
  });

  it("rejects bodies that match no SubscriptionUpdate shape", async () => {
    const { subscription } = await subscribe();
    const mixed = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, {
      body: { cancel_at_period_end: true, revoke: true },
    });
    expect(mixed.status).toBe(422);
    const wrong = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, { body: { revoke: false } });
    expect(wrong.status).toBe(422);
    const seats = await call(emu, "PATCH", `/v1/subscriptions/${subscription.id}`, { body: { seats: 3 } });
    expect(seats.status).toBe(400);
    expect(seats.body.error).toBe("NotASeatBasedSubscription");
  });

  it("lists, exports and isolates subscriptions", async () => {
    const { subscription } = await subscribe({ name: "Exported plan" });
    const active = await polar.subscriptions.list({ active: true, customer_id: subscription.customer_id });
    expect(active.items.map((s) => s.id)).toEqual([subscription.id]);
    const canceled = await polar.subscriptions.list({ status: "canceled", customer_id: subscription.customer_id });
    expect(canceled.items).toEqual([]);
    // "false" filters filter (they are not dropped as if absent).
    const staying = await polar.subscriptions.list({
      cancel_at_period_end: false,
      customer_id: subscription.customer_id,
    });
    expect(staying.items.map((s) => s.id)).toEqual([subscription.id]);
    const inactive = await polar.subscriptions.list({ active: false, customer_id: subscription.customer_id });
    expect(inactive.items).toEqual([]);
    const csv = await polar.subscriptions.export({ product_id: subscription.product_id });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("Email,Started At,Product,Amount,Currency,Status,Billing Interval");
    expect(lines[1]).toContain(",Exported plan,20,usd,active,month");
    const other = otherOrganization(emu);
    expect((await failure(other.polar.subscriptions.get(subscription.id))).status).toBe(404);
    expect((await failure(other.polar.subscriptions.revoke(subscription.id))).status).toBe(404);
    expect((await other.polar.subscriptions.list()).items).toEqual([]);
  });

  it("creates free subscriptions through the API only", async () => {
    const paid = insertProduct(emu, { recurring: "month", prices: [{ type: "fixed", amount: 100 }] });
    const customer = await polar.customers.create({ email: "free-sub@example.com", external_id: "ext_free" });
    const refused = await call(emu, "POST", "/v1/subscriptions/", {
      body: { product_id: paid.id, customer_id: customer.id },
    });
    expect(refused.status).toBe(422);
    const free = insertProduct(emu, { recurring: "month", prices: [{ type: "fixed", amount: 0 }] });
    const created = await polar.subscriptions.create({ product_id: free.id, external_customer_id: "ext_free" });
    expect(created).toMatchObject({ status: "active", amount: 0, customer_id: customer.id });
  });
});
