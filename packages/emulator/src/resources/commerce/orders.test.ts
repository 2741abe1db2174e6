import type { PolarApiError } from "@polar-kit/core";
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

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("should fail"),
    (e) => e as PolarApiError,
  );

/** Buys a one-time product on the hosted page and returns its order. */
async function buy(email: string, amount = 3000, name = "Poster") {
  const product = insertProduct(emu, { name, prices: [{ type: "fixed", amount }] });
  const checkout = await polar.checkouts.create({ products: [product.id], metadata: { ref: email } });
  const res = await submitCheckoutForm(checkout.url, { ...PAYING_FORM, customer_email: email });
  expect(res.status).toBe(303);
  const [order] = (await polar.orders.list({ checkout_id: checkout.id })).items;
  return order!;
}

describe("orders", () => {
  it("lists, filters and reads orders", async () => {
    const a = await buy("orders-a@example.com", 1000, "Alpha");
    const b = await buy("orders-b@example.com", 2000, "Beta");
    expect(a).toMatchObject({
      status: "paid",
      billing_reason: "purchase",
      invoice_number: expect.stringMatching(/^ACME-\d{4}$/),
      is_invoice_generated: false,
      refundable_amount: 1000,
      description: "Alpha",
      metadata: { ref: "orders-a@example.com" },
      product: { name: "Alpha" },
      billing_address: { country: "FR" },
    });
    expect(a.product).not.toHaveProperty("prices");
    expect(await polar.orders.get(a.id)).toEqual(a);
    const byCustomer = await polar.orders.list({ customer_id: b.customer_id });
    expect(byCustomer.items.map((o) => o.id)).toEqual([b.id]);
    const oneTime = await polar.orders.list({ product_billing_type: "recurring" });
    expect(oneTime.items.map((o) => o.id)).not.toContain(a.id);
    const sorted = await polar.orders.list({ sorting: ["-amount"], limit: 2 });
    expect(sorted.items[0]!.total_amount).toBeGreaterThanOrEqual(sorted.items[1]!.total_amount);
    const byMeta = await polar.orders.list({ metadata: { ref: "orders-b@example.com" } });
    expect(byMeta.items.map((o) => o.id)).toEqual([b.id]);
    const window = await polar.orders.list({ created_before: "2000-01-01T00:00:00Z" });
    expect(window.items).toEqual([]);
  });

  it("updates billing details, then generates the invoice", async () => {
    const order = await buy("invoice@example.com");
    await receiver.take();
    expect((await failure(polar.orders.invoice(order.id))).status).toBe(404);

    const updated = await polar.orders.update(order.id, {
      billing_name: "Invoice Corp",
      billing_address: { country: "DE", line1: "Unter den Linden 1", city: "Berlin", postal_code: "10117" },
    });
    expect(updated).toMatchObject({ billing_name: "Invoice Corp", billing_address: { city: "Berlin" } });

    const generate = await call(emu, "POST", `/v1/orders/${order.id}/invoice`);
    expect(generate.status).toBe(202);
    expect((await polar.orders.get(order.id)).is_invoice_generated).toBe(true);
    const invoice = await polar.orders.invoice(order.id);
    expect(invoice.url).toBe(`${emu.url}/__emulator/orders/${order.id}/invoice`);
    const document = await fetch(invoice.url);
    expect(document.status).toBe(200);
    const html = await document.text();
    expect(html).toContain("Invoice Corp");
    expect(html).toContain(order.invoice_number!);
    expect((await receiver.take()).map((e) => e.type)).toEqual(["order.updated", "order.updated"]);

    const receipt = await polar.orders.receipt(order.id);
    expect(receipt?.url).toBe(`${emu.url}/__emulator/orders/${order.id}/receipt`);
    expect((await fetch(receipt!.url)).status).toBe(200);
  });

  it("needs billing details for an invoice", async () => {
    const product = insertProduct(emu, { prices: [{ type: "fixed", amount: 0 }] });
    const checkout = await polar.checkouts.create({ products: [product.id] });
    await submitCheckoutForm(checkout.url, { customer_email: "nobill@example.com", action: "pay" });
    const [order] = (await polar.orders.list({ checkout_id: checkout.id })).items;
    expect(order!.billing_address).toBeNull();
    const res = await call(emu, "POST", `/v1/orders/${order!.id}/invoice`);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("MissingInvoiceBillingDetails");
  });

  it("creates and finalizes a draft order", async () => {
    const benefit = insertBenefit(emu, "license_keys");
    const product = insertProduct(emu, {
      name: "Consulting",
      prices: [{ type: "fixed", amount: 10000 }],
      benefits: [benefit],
    });
    const customer = await polar.customers.create({ email: "draft@example.com" });
    const draft = await polar.orders.create({ customer_id: customer.id, product_id: product.id, amount: 7500 });
    expect(draft).toMatchObject({ status: "draft", invoice_number: null, total_amount: 7500, paid: false });
    const receipt = await call(emu, "GET", `/v1/orders/${draft.id}/receipt`);
    expect(receipt.status).toBe(202);
    const final = await polar.orders.finalize(draft.id, {});
    expect(final).toMatchObject({ status: "paid", paid: true, invoice_number: expect.any(String) });
    const again = await call(emu, "POST", `/v1/orders/${draft.id}/finalize`, { body: {} });
    expect(again.status).toBe(412);
    expect(again.body.error).toBe("OrderNotDraft");
    const state = await polar.customers.getState(customer.id);
    expect(state.granted_benefits.map((g) => g.benefit_id)).toEqual([benefit.id]);
    const recurring = insertProduct(emu, { recurring: "month" });
    const refused = await call(emu, "POST", "/v1/orders/", {
      body: { customer_id: customer.id, product_id: recurring.id },
    });
    expect(refused.status).toBe(422);
  });

  it("exports orders as CSV with chosen columns", async () => {
    await buy("export@example.com", 4200, "Exported, with comma");
    const csv = await polar.orders.export({ columns: ["email", "product", "total_amount", "status"] });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("Email,Product,Total,Status");
    expect(lines).toContain('export@example.com,"Exported, with comma",42,paid');
    const defaults = (await polar.orders.export()).split("\r\n")[0];
    expect(defaults).toBe("Email,Created At,Product,Net Amount,Currency,Status,Invoice number");
  });

  it("hides orders from other organizations", async () => {
    const order = await buy("private-order@example.com");
    const other = otherOrganization(emu);
    expect((await failure(other.polar.orders.get(order.id))).status).toBe(404);
    expect((await failure(other.polar.orders.update(order.id, { billing_name: "x" }))).status).toBe(404);
    expect((await call(emu, "POST", `/v1/orders/${order.id}/invoice`, { token: other.token })).status).toBe(404);
    expect((await other.polar.orders.list()).items).toEqual([]);
    expect((await other.polar.orders.export()).trim().split("\r\n")).toHaveLength(1);
    const bad = await call(emu, "GET", "/v1/orders/?status=shipped");
    expect(bad.status).toBe(422);
  });
});
