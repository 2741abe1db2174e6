import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { KIND, type Subscription } from "../commerce/shared";
import { webhookReceiver } from "../commerce/testing";
import { declineRenewal } from "./payment-status";
import { buy, monthly, oneTime, sessionOf } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const plan = await monthly(polar, "Pro", 2500);
const freebie = await oneTime(polar, "Sample", 0);
const joId = await buy(polar, plan.id, "jo@example.com", "Jo");
const kimId = await buy(polar, plan.id, "kim@example.com", "Kim");
const jo = await sessionOf(polar, joId);
const kim = await sessionOf(polar, kimId);

const status = (token: string, orderId: string) =>
  call(emu, "GET", `/v1/customer-portal/orders/${orderId}/payment-status`, { token });
const retry = (token: string, orderId: string, body: unknown) =>
  call(emu, "POST", `/v1/customer-portal/orders/${orderId}/confirm-payment`, { token, body });
const ordersOf = async (token: string) =>
  (await call(emu, "GET", "/v1/customer-portal/orders/?sorting=created_at", { token })).body.items;
const subscriptionOf = async (customerId: string) => {
  const [subscription] = (await polar.subscriptions.list({ customer_id: customerId })).items;
  return emu.state.store.get<Subscription>(KIND.subscription, subscription?.id as string);
};

/** A renewal of the customer's subscription whose charge was declined (the emulator has no dunning yet). */
const decline = async (customerId: string) => {
  const subscription = await subscriptionOf(customerId);
  return emu.state.db.transaction(() => declineRenewal(emu.state, subscription));
};

await receiver.take();

describe("customer portal: order payment status", () => {
  it("reads a paid order as succeeded and a free one as no_payment", async () => {
    const [paid] = await ordersOf(jo.token);
    expect((await status(jo.token, paid.id)).body).toEqual({ status: "succeeded", error: null });
    const freeBuyer = await sessionOf(polar, await buy(polar, freebie.id, "free@example.com", "Free"));
    const [free] = await ordersOf(freeBuyer.token);
    expect((await status(freeBuyer.token, free.id)).body).toEqual({ status: "no_payment", error: null });
    await receiver.take();
  });

  it("reads a declined renewal as failed, with the reason; the order is pending and the subscription past due", async () => {
    const order = await decline(joId);
    const res = await status(jo.token, order.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "failed", error: "Your card was declined." });
    expect((await ordersOf(jo.token)).at(-1)).toMatchObject({ id: order.id, status: "pending", paid: false });
    expect((await subscriptionOf(joId)).status).toBe("past_due");
    expect((await receiver.take()).map((e) => e.type)).toEqual([
      "order.created",
      "subscription.updated",
      "subscription.past_due",
      "customer.state_changed",
    ]);
  });

  it("answers 404 for another customer's order", async () => {
    const [kims] = await ordersOf(kim.token);
    expect((await status(jo.token, kims.id)).status).toBe(404);
    expect((await retry(jo.token, kims.id, { confirmation_token_id: "ctoken_ok" })).status).toBe(404);
    expect((await status(jo.token, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await status(jo.token, "nope")).status).toBe(422);
  });
});

describe("customer portal: confirm retry payment", () => {
  it("answers 422 naming the field for missing, double or foreign payment input", async () => {
    const pending = (await ordersOf(jo.token)).at(-1);
    const neither = await retry(jo.token, pending.id, {});
    expect(neither.status).toBe(422);
    expect(neither.body.detail[0].loc).toEqual(["body", "confirmation_token_id"]);
    const [kimsCard] = (
      await call(emu, "GET", "/v1/customer-portal/customers/me/payment-methods", { token: kim.token })
    ).body.items;
    const both = await retry(jo.token, pending.id, {
      confirmation_token_id: "ctoken_ok",
      payment_method_id: kimsCard.id,
    });
    expect(both.status).toBe(422);
    expect(both.body.detail[0].loc).toEqual(["body", "payment_method_id"]);
    const foreign = await retry(jo.token, pending.id, { payment_method_id: kimsCard.id });
    expect(foreign.status).toBe(422);
    expect(foreign.body.detail[0].loc).toEqual(["body", "payment_method_id"]);
    const malformed = await retry(jo.token, pending.id, { payment_method_id: "card-1" });
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0].loc).toEqual(["body", "payment_method_id"]);
    const processor = await retry(jo.token, pending.id, { confirmation_token_id: "x", payment_processor: "paypal" });
    expect(processor.status).toBe(422);
    expect(processor.body.detail[0].loc).toEqual(["body", "payment_processor"]);
  });

  it("answers failed for a declined card and leaves the order pending", async () => {
    const pending = (await ordersOf(jo.token)).at(-1);
    const res = await retry(jo.token, pending.id, { confirmation_token_id: "ctoken_4000000000000002" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "failed", client_secret: null, error: "Your card was declined." });
    expect((await ordersOf(jo.token)).at(-1).status).toBe("pending");
    expect((await subscriptionOf(joId)).status).toBe("past_due");
    expect(await receiver.take()).toEqual([]);
  });

  it("pays with a saved card: the order is paid, the subscription active again", async () => {
    const pending = (await ordersOf(jo.token)).at(-1);
    const [card] = (await call(emu, "GET", "/v1/customer-portal/customers/me/payment-methods", { token: jo.token }))
      .body.items;
    const res = await retry(jo.token, pending.id, { payment_method_id: card.id });
    expect(res.body).toEqual({ status: "succeeded", client_secret: null, error: null });
    expect((await ordersOf(jo.token)).at(-1)).toMatchObject({
      status: "paid",
      paid: true,
      next_payment_attempt_at: null,
    });
    expect((await subscriptionOf(joId)).status).toBe("active");
    expect((await status(jo.token, pending.id)).body).toEqual({ status: "succeeded", error: null });
    expect((await receiver.take()).map((e) => e.type)).toEqual([
      "order.updated",
      "order.paid",
      "subscription.updated",
      "subscription.active",
      "customer.state_changed",
    ]);
    const again = await retry(jo.token, pending.id, { payment_method_id: card.id });
    expect(again.status).toBe(422);
    expect(again.body.error).toBe("OrderNotEligibleForRetry");
  });

  it("pays with a new card from a confirmation token and keeps the card", async () => {
    const subscription = await subscriptionOf(kimId);
    const declined = await call(emu, "POST", "/__emulator/declined-renewals", {
      token: null,
      body: { subscription_id: subscription.id },
    });
    expect(declined.status).toBe(201);
    const order = declined.body;
    expect(order).toMatchObject({ status: "pending", billing_reason: "subscription_cycle", customer_id: kimId });
    const res = await retry(kim.token, order.id, { confirmation_token_id: "ctoken_5555555555554444" });
    expect(res.body.status).toBe("succeeded");
    const cards = (await call(emu, "GET", "/v1/customer-portal/customers/me/payment-methods", { token: kim.token }))
      .body.items;
    expect(cards.map((c: { method_metadata: { last4: string } }) => c.method_metadata.last4)).toContain("4444");
  });

  it("declines renewals on the emulator route only for a billable subscription", async () => {
    const route = (body: unknown) => call(emu, "POST", "/__emulator/declined-renewals", { token: null, body });
    const unknown = await route({ subscription_id: "00000000-0000-4000-8000-000000000000" });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail[0].loc).toEqual(["body", "subscription_id"]);
    expect((await route({})).status).toBe(422);
    expect((await route({ subscription_id: 42 })).status).toBe(422);
    expect((await route("[]")).status).toBe(422);
    const leaver = await buy(polar, plan.id, "leaver@example.com", "Leaver");
    const subscription = await subscriptionOf(leaver);
    await polar.subscriptions.revoke(subscription.id);
    const revoked = await route({ subscription_id: subscription.id });
    expect(revoked.status).toBe(422);
    expect(revoked.body.detail[0].msg).toBe("Subscription is not billable.");
    await receiver.take();
  });

  it("refuses a paid order with 422 OrderNotEligibleForRetry", async () => {
    const [first] = await ordersOf(kim.token);
    const res = await retry(kim.token, first.id, { confirmation_token_id: "ctoken_ok" });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: "OrderNotEligibleForRetry", detail: "Order is not eligible for payment retry." });
  });

  it("sent only schema-valid webhooks", async () => {
    await receiver.take();
    expect(receiver.rejected).toEqual([]);
  });
});
