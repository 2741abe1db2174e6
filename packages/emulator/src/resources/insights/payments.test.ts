import { describe, expect, it } from "vitest";
import { call, organizationToken, otherOrganization, useEmulator } from "../../../test/harness";
import { buy, createProduct } from "./testing";

const { emu } = await useEmulator();

describe("payments", () => {
  it("shows one succeeded card payment per paid order", async () => {
    const product = await createProduct(emu, 4900);
    const order = await buy(emu, product.id, { email: "payer@example.com" });
    const list = await call(emu, "GET", `/v1/payments/?order_id=${order.id}`);
    expect(list.status).toBe(200);
    expect(list.body.pagination).toEqual({ total_count: 1, max_page: 1 });
    const [payment] = list.body.items;
    expect(payment).toMatchObject({
      processor: "stripe",
      status: "succeeded",
      amount: order.total_amount,
      currency: "usd",
      method: "card",
      trigger: "purchase",
      decline_reason: null,
      organization_id: emu.organizationId,
      checkout_id: order.checkout_id,
      order_id: order.id,
      method_metadata: { brand: "visa", last4: "4242" },
    });
    const got = await call(emu, "GET", `/v1/payments/${payment.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(payment);
    // Derived, not copied: the same id every time it is read.
    expect((await call(emu, "GET", `/v1/payments/?order_id=${order.id}`)).body.items[0].id).toBe(payment.id);
  });

  it("filters by customer email, customer, checkout and status, and sorts by amount", async () => {
    const cheap = await createProduct(emu, 500);
    const dear = await createProduct(emu, 50_000);
    const a = await buy(emu, cheap.id, { email: "filter-a@example.com" });
    const b = await buy(emu, dear.id, { email: "filter-b@example.com" });
    const byEmail = await call(emu, "GET", "/v1/payments/?customer_email=filter-a@example.com");
    expect(byEmail.body.items.map((p: { order_id: string }) => p.order_id)).toEqual([a.id]);
    const byCustomer = await call(emu, "GET", `/v1/payments/?customer_id=${b.customer_id}`);
    expect(byCustomer.body.items.map((p: { order_id: string }) => p.order_id)).toEqual([b.id]);
    const byCheckout = await call(
      emu,
      "GET",
      `/v1/payments/?checkout_id=${a.checkout_id}&checkout_id=${b.checkout_id}`,
    );
    expect(byCheckout.body.pagination.total_count).toBe(2);
    expect((await call(emu, "GET", "/v1/payments/?status=failed")).body.items).toEqual([]);
    const sorted = await call(emu, "GET", "/v1/payments/?sorting=-amount&limit=1");
    expect(sorted.body.items[0].order_id).toBe(b.id);
    const badSort = await call(emu, "GET", "/v1/payments/?sorting=color");
    expect(badSort.status).toBe(422);
    const badStatus = await call(emu, "GET", "/v1/payments/?status=maybe");
    expect(badStatus.status).toBe(422);
  });

  it("has no payment for a free order", async () => {
    const free = await createProduct(emu, 0);
    const order = await buy(emu, free.id);
    expect(order.total_amount).toBe(0);
    expect((await call(emu, "GET", `/v1/payments/?order_id=${order.id}`)).body.items).toEqual([]);
  });

  it("shows a declined renewal's failed charge, then the customer's successful retry", async () => {
    const plan = await createProduct(emu, 1500, { recurring: "month" });
    const order = await buy(emu, plan.id);
    const declined = await call(emu, "POST", "/__emulator/declined-renewals", {
      token: null,
      body: { subscription_id: order.subscription_id },
    });
    expect(declined.status).toBe(201);
    const renewal = declined.body;
    const failed = await call(emu, "GET", `/v1/payments/?order_id=${renewal.id}`);
    expect(failed.body.items).toHaveLength(1);
    expect(failed.body.items[0]).toMatchObject({
      status: "failed",
      trigger: "subscription_cycle",
      decline_reason: "card_declined",
      amount: renewal.total_amount,
      order_id: renewal.id,
    });
    expect(failed.body.items[0].decline_message).toBeTruthy();
    // A failed charge cannot be disputed: no money moved.
    expect(
      (await call(emu, "POST", "/__emulator/disputes", { token: null, body: { order_id: renewal.id } })).status,
    ).toBe(422);

    const session = await call(emu, "POST", "/v1/customer-sessions/", { body: { customer_id: order.customer_id } });
    const retried = await call(emu, "POST", `/v1/customer-portal/orders/${renewal.id}/confirm-payment`, {
      token: session.body.token,
      body: { confirmation_token_id: "ctoken_4242424242424242" },
    });
    expect(retried.body.status).toBe("succeeded");
    const after = await call(emu, "GET", `/v1/payments/?order_id=${renewal.id}&sorting=created_at`);
    expect(after.body.items.map((p: { status: string; trigger: string }) => [p.status, p.trigger])).toEqual([
      ["failed", "subscription_cycle"],
      ["succeeded", "retry_customer"],
    ]);
    const succeeded = await call(emu, "GET", `/v1/payments/?order_id=${renewal.id}&status=succeeded`);
    expect(succeeded.body.items).toHaveLength(1);
    const dispute = await call(emu, "POST", "/__emulator/disputes", { token: null, body: { order_id: renewal.id } });
    expect(dispute.status).toBe(201);
    expect(dispute.body.payment_id).toBe(succeeded.body.items[0].id);
  });

  it("keeps payments to their organization", async () => {
    const product = await createProduct(emu, 1000);
    const order = await buy(emu, product.id);
    const [payment] = (await call(emu, "GET", `/v1/payments/?order_id=${order.id}`)).body.items;
    const other = otherOrganization(emu);
    expect((await call(emu, "GET", `/v1/payments/${payment.id}`, { token: other.token })).status).toBe(404);
    expect((await call(emu, "GET", "/v1/payments/", { token: other.token })).body.items).toEqual([]);
    expect((await call(emu, "GET", "/v1/payments/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call(emu, "GET", "/v1/payments/nope")).status).toBe(422);
    const noScope = organizationToken(emu, emu.organizationId, ["orders:read"]);
    expect((await call(emu, "GET", "/v1/payments/", { token: noScope })).status).toBe(403);
  });
});

async function openDispute(body: unknown) {
  return call(emu, "POST", "/__emulator/disputes", { token: null, body });
}

describe("disputes", () => {
  it("opens a dispute on a paid order, and accepting it loses it and revokes the order's benefits", async () => {
    const benefit = await call(emu, "POST", "/v1/benefits/", {
      body: { type: "custom", description: "Disputed perk", properties: { note: null } },
    });
    const product = await createProduct(emu, 3000, { benefits: [benefit.body.id] });
    const order = await buy(emu, product.id, { email: "chargeback@example.com" });
    const grants = async () =>
      (await call(emu, "GET", `/v1/benefit-grants/?customer_id=${order.customer_id}`)).body.items as {
        is_granted: boolean;
        is_revoked: boolean;
      }[];
    expect((await grants()).map((g) => g.is_granted)).toEqual([true]);

    const opened = await openDispute({ order_id: order.id, reason: "product_not_received" });
    expect(opened.status).toBe(201);
    const [payment] = (await call(emu, "GET", `/v1/payments/?order_id=${order.id}`)).body.items;
    expect(opened.body).toMatchObject({
      status: "needs_response",
      resolved: false,
      closed: false,
      amount: 3000,
      tax_amount: 0,
      currency: "usd",
      reason: "product_not_received",
      past_due: false,
      order_id: order.id,
      payment_id: payment.id,
      customer: { id: order.customer_id, email: "chargeback@example.com" },
      case_id: null,
    });
    expect(opened.body.evidence_due_by).not.toBeNull();
    const id = opened.body.id as string;
    const got = await call(emu, "GET", `/v1/disputes/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(opened.body);
    const listed = await call(emu, "GET", `/v1/disputes/?order_id=${order.id}&status=needs_response`);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([id]);

    const refund = { order_id: order.id, amount: 100, reason: "customer_request" };
    const blocked = await call(emu, "POST", "/v1/refunds/", { body: refund });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error).toBe("RefundDisputedPayment");
    const accepted = await call(emu, "POST", `/v1/disputes/${id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id, status: "lost", resolved: true, closed: true });
    expect((await grants()).map((g) => [g.is_granted, g.is_revoked])).toEqual([[false, true]]);
    // The payment went through; the order's amounts stay as they were, as the API keeps them.
    expect((await call(emu, "GET", `/v1/orders/${order.id}`)).body).toMatchObject({
      status: "paid",
      refunded_amount: 0,
    });

    const again = await call(emu, "POST", `/v1/disputes/${id}/accept`);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: "DisputeNotOpenError", detail: `Dispute ${id} is not awaiting a response.` });
    expect((await call(emu, "GET", `/v1/disputes/?status=lost&order_id=${order.id}`)).body.items).toHaveLength(1);
    // The customer already has the money back: no refund on top of a lost chargeback.
    expect((await call(emu, "POST", "/v1/refunds/", { body: refund })).status).toBe(403);
    // One dispute per charge, even once it is closed.
    expect((await openDispute({ order_id: order.id })).status).toBe(422);
  });

  it("revokes the subscription of a disputed subscription order at once", async () => {
    const plan = await createProduct(emu, 2000, { recurring: "month" });
    const order = await buy(emu, plan.id);
    const opened = await openDispute({ order_id: order.id, amount: 1500 });
    expect(opened.body).toMatchObject({ amount: 1500, reason: "fraudulent" });
    expect((await call(emu, "POST", `/v1/disputes/${opened.body.id}/accept`)).status).toBe(200);
    const subscription = await call(emu, "GET", `/v1/subscriptions/${order.subscription_id}`);
    expect(subscription.body.status).toBe("canceled");
    expect(subscription.body.ended_at).not.toBeNull();
  });

  it("refuses to accept an early warning, which does not await a response yet", async () => {
    const product = await createProduct(emu, 800);
    const order = await buy(emu, product.id);
    const warning = await openDispute({ order_id: order.id, status: "early_warning" });
    expect(warning.status).toBe(201);
    expect(warning.body.evidence_due_by).toBeNull();
    const res = await call(emu, "POST", `/v1/disputes/${warning.body.id}/accept`);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe("DisputeNotOpenError");
  });

  it("refuses bad openings: no order, unknown order, free order, twice, bad amount, bad status, bad JSON", async () => {
    const product = await createProduct(emu, 1000);
    const order = await buy(emu, product.id);
    const free = await buy(emu, (await createProduct(emu, 0)).id);
    const cases: [unknown, string][] = [
      [{}, "order_id"],
      [{ order_id: "00000000-0000-4000-8000-000000000000" }, "order_id"],
      [{ order_id: free.id }, "order_id"],
      [{ order_id: order.id, amount: 1001 }, "amount"],
      [{ order_id: order.id, amount: 0 }, "amount"],
      [{ order_id: order.id, amount: "10" }, "amount"],
      [{ order_id: order.id, status: "won" }, "status"],
      [{ order_id: order.id, reason: 42 }, "reason"],
    ];
    for (const [body, field] of cases) {
      const res = await openDispute(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail[0].loc, JSON.stringify(body)).toEqual(["body", field]);
    }
    expect((await openDispute("[1]")).status).toBe(422);
    expect((await call(emu, "POST", "/__emulator/disputes", { body: "{oops" })).status).toBe(422);
    expect((await call(emu, "GET", `/v1/disputes/?order_id=${order.id}`)).body.items).toEqual([]);
    expect((await openDispute({ order_id: order.id })).status).toBe(201);
    const twice = await openDispute({ order_id: order.id });
    expect(twice.status).toBe(422);
    expect(twice.body.detail[0].msg).toBe("The order's payment is already disputed.");
  });

  it("keeps disputes to their organization", async () => {
    const product = await createProduct(emu, 1200);
    const order = await buy(emu, product.id);
    const opened = await openDispute({ order_id: order.id });
    const other = otherOrganization(emu);
    const id = opened.body.id as string;
    expect((await call(emu, "GET", `/v1/disputes/${id}`, { token: other.token })).status).toBe(404);
    expect((await call(emu, "POST", `/v1/disputes/${id}/accept`, { token: other.token })).status).toBe(404);
    expect((await call(emu, "GET", "/v1/disputes/", { token: other.token })).body.items).toEqual([]);
    expect((await call(emu, "GET", `/v1/disputes/${id}`)).body.status).toBe("needs_response");
    const reader = organizationToken(emu, emu.organizationId, ["disputes:read"]);
    expect((await call(emu, "GET", `/v1/disputes/${id}`, { token: reader })).status).toBe(200);
    expect((await call(emu, "POST", `/v1/disputes/${id}/accept`, { token: reader })).status).toBe(403);
    expect((await call(emu, "GET", "/v1/disputes/?status=open")).status).toBe(422);
    expect((await call(emu, "GET", "/v1/disputes/not-a-uuid")).status).toBe(422);
    expect((await call(emu, "POST", "/v1/disputes/not-a-uuid/accept")).status).toBe(422);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await call(emu, "POST", `/v1/disputes/${unknown}/accept`)).status).toBe(404);
  });
});
