import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import {
  insertBenefit,
  insertProduct,
  otherOrganization,
  PAYING_FORM,
  submitCheckoutForm,
  webhookReceiver,
} from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

let buyers = 0;
async function buy(spec: Parameters<typeof insertProduct>[1] = {}) {
  const product = insertProduct(emu, { prices: [{ type: "fixed", amount: 5000 }], ...spec });
  const checkout = await polar.checkouts.create({ products: [product.id] });
  const res = await submitCheckoutForm(checkout.url, {
    ...PAYING_FORM,
    customer_email: `refund-${++buyers}@example.com`,
  });
  expect(res.status).toBe(303);
  const [order] = (await polar.orders.list({ checkout_id: checkout.id })).items;
  await receiver.take();
  return order!;
}

describe("refunds", () => {
  it("refunds part of an order, then the rest", async () => {
    const order = await buy();
    const partial = await polar.refunds.create({ order_id: order.id, amount: 2000, reason: "customer_request" });
    expect(partial).toMatchObject({
      status: "succeeded",
      amount: 2000,
      tax_amount: 0,
      currency: "usd",
      order_id: order.id,
      customer_id: order.customer_id,
      revoke_benefits: false,
      organization_id: emu.organizationId,
    });
    expect(await polar.orders.get(order.id)).toMatchObject({
      status: "partially_refunded",
      refunded_amount: 2000,
      refundable_amount: 3000,
      paid: true,
    });
    const events = await receiver.take();
    expect(events.map((e) => e.type)).toEqual(["refund.created", "refund.updated", "order.refunded", "order.updated"]);
    expect(events[0]?.data.status).toBe("pending");
    expect(events[1]?.data.status).toBe("succeeded");

    const tooMuch = await call(emu, "POST", "/v1/refunds/", {
      body: { order_id: order.id, amount: 3001, reason: "other" },
    });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.detail[0]).toMatchObject({
      loc: ["body", "amount"],
      msg: "Refund amount exceeds refundable amount",
    });

    await polar.refunds.create({ order_id: order.id, amount: 3000, reason: "duplicate" });
    expect(await polar.orders.get(order.id)).toMatchObject({ status: "refunded", refundable_amount: 0 });
    const again = await call(emu, "POST", "/v1/refunds/", { body: { order_id: order.id, amount: 1, reason: "other" } });
    expect(again.status).toBe(403);
    expect(again.body.error).toBe("RefundedAlready");

    const listed = await polar.refunds.list({ order_id: order.id, sorting: ["amount"] });
    expect(listed.items.map((r) => r.amount)).toEqual([2000, 3000]);
    expect((await polar.refunds.list({ order_id: order.id, succeeded: false })).items).toEqual([]);
  });

  it("revokes the benefits of a one-time order when asked", async () => {
    const license = insertBenefit(emu, "license_keys");
    const order = await buy({ benefits: [license] });
    await polar.refunds.create({ order_id: order.id, amount: 5000, reason: "fraudulent", revoke_benefits: true });
    const state = await polar.customers.getState(order.customer_id);
    expect(state.granted_benefits).toEqual([]);
    const types = (await receiver.take()).map((e) => e.type);
    expect(types).toContain("benefit_grant.revoked");
    const keys = emu.state.store.all<{ id: string; status: string }>("license_key", { customerId: order.customer_id });
    expect(keys.map((k) => k.status)).toEqual(["revoked"]);
  });

  it("refuses to revoke a subscription's benefits through a refund", async () => {
    const order = await buy({ recurring: "month" });
    const res = await call(emu, "POST", "/v1/refunds/", {
      body: { order_id: order.id, amount: 100, reason: "other", revoke_benefits: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("RevokeSubscriptionBenefitsProhibited");
    expect((await polar.orders.get(order.id)).refunded_amount).toBe(0);
  });

  it("validates its input and isolates organizations", async () => {
    const order = await buy();
    const zero = await call(emu, "POST", "/v1/refunds/", { body: { order_id: order.id, amount: 0, reason: "other" } });
    expect(zero.status).toBe(422);
    const reason = await call(emu, "POST", "/v1/refunds/", {
      body: { order_id: order.id, amount: 10, reason: "whim" },
    });
    expect(reason.status).toBe(422);
    const unknown = await call(emu, "POST", "/v1/refunds/", {
      body: { order_id: "00000000-0000-4000-8000-000000000000", amount: 10, reason: "other" },
    });
    expect(unknown.body.detail[0]).toMatchObject({ loc: ["body", "order_id"] });
    const other = otherOrganization(emu);
    const foreign = await call(emu, "POST", "/v1/refunds/", {
      token: other.token,
      body: { order_id: order.id, amount: 10, reason: "other" },
    });
    expect(foreign.status).toBe(422);
    expect((await other.polar.refunds.list()).items).toEqual([]);
  });
});
