import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { insertDiscount, insertProduct, otherOrganization, PAYING_FORM, submitCheckoutForm } from "./testing";

const { emu, polar } = await useEmulator();

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("should fail"),
    (e) => e as PolarApiError,
  );

describe("checkout links", () => {
  it("creates, reads, updates, lists and deletes links", async () => {
    const a = insertProduct(emu, { name: "Link A" });
    const b = insertProduct(emu, { name: "Link B" });
    const link = await polar.checkoutLinks.create({
      payment_processor: "stripe",
      products: [a.id, b.id],
      label: "Newsletter",
      success_url: "https://shop.example/ok",
      metadata: { channel: "email" },
    });
    expect(link).toMatchObject({
      label: "Newsletter",
      allow_discount_codes: true,
      require_billing_address: false,
      metadata: { channel: "email" },
      organization_id: emu.organizationId,
    });
    expect(link.products.map((p) => p.name)).toEqual(["Link A", "Link B"]);
    expect(link.client_secret).toMatch(/^polar_cl_/);
    expect(link.url).toBe(`${emu.url}/v1/checkout-links/${link.client_secret}/redirect`);
    expect(await polar.checkoutLinks.get(link.id)).toEqual(link);

    const updated = await polar.checkoutLinks.update(link.id, { label: "Renamed", products: [b.id] });
    expect(updated).toMatchObject({ label: "Renamed" });
    expect(updated.products.map((p) => p.id)).toEqual([b.id]);
    expect((await polar.checkoutLinks.list({ product_id: b.id })).items.map((l) => l.id)).toContain(link.id);
    expect((await polar.checkoutLinks.list({ product_id: a.id })).items.map((l) => l.id)).not.toContain(link.id);

    // The legacy single-product and single-price shapes still work.
    const single = await polar.checkoutLinks.create({ payment_processor: "stripe", product_id: a.id });
    expect(single.products.map((p) => p.id)).toEqual([a.id]);
    const byPrice = await polar.checkoutLinks.create({
      payment_processor: "stripe",
      product_price_id: a.prices[0]!.id,
    });
    expect(byPrice.products.map((p) => p.id)).toEqual([a.id]);

    expect((await call(emu, "DELETE", `/v1/checkout-links/${link.id}`)).status).toBe(204);
    expect((await failure(polar.checkoutLinks.get(link.id))).status).toBe(404);
    expect((await fetch(link.url, { redirect: "manual" })).status).toBe(404);
  });

  it("opens a fresh checkout each time the link is followed", async () => {
    const product = insertProduct(emu, { name: "Linked", prices: [{ type: "fixed", amount: 1000 }] });
    const discount = insertDiscount(emu, { amount: 300 });
    const link = await polar.checkoutLinks.create({
      payment_processor: "stripe",
      products: [product.id],
      discount_id: discount.id,
      success_url: "https://shop.example/thanks/{CHECKOUT_ID}",
      metadata: { channel: "qr" },
    });
    const first = await fetch(`${link.url}?customer_email=linked@example.com&reference_id=r-1`, { redirect: "manual" });
    expect(first.status).toBe(307);
    const second = await fetch(link.url, { redirect: "manual" });
    const [url1, url2] = [first.headers.get("location")!, second.headers.get("location")!];
    expect(url1).toMatch(new RegExp(`^${emu.url}/checkout/polar_c_`));
    expect(url1).not.toBe(url2);

    const checkouts = (await polar.checkouts.list({ product_id: product.id })).items;
    expect(checkouts).toHaveLength(2);
    const opened = checkouts.find((c) => c.customer_email === "linked@example.com")!;
    expect(opened).toMatchObject({
      metadata: { channel: "qr", reference_id: "r-1" },
      discount_id: discount.id,
      total_amount: 700,
      success_url: `https://shop.example/thanks/${opened.id}`,
    });

    const paid = await submitCheckoutForm(url1, { ...PAYING_FORM, customer_email: "linked@example.com" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`https://shop.example/thanks/${opened.id}`);
  });

  it("validates products and isolates organizations", async () => {
    const missing = await call(emu, "POST", "/v1/checkout-links/", {
      body: { payment_processor: "stripe", products: ["00000000-0000-4000-8000-000000000000"] },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({ loc: ["body", "products", 0] });
    const noProcessor = await call(emu, "POST", "/v1/checkout-links/", { body: { products: [] } });
    expect(noProcessor.status).toBe(422);

    const link = await polar.checkoutLinks.create({ payment_processor: "stripe", products: [insertProduct(emu).id] });
    const other = otherOrganization(emu);
    expect((await failure(other.polar.checkoutLinks.get(link.id))).status).toBe(404);
    expect((await failure(other.polar.checkoutLinks.update(link.id, { label: "x" }))).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/checkout-links/${link.id}`, { token: other.token })).status).toBe(404);
    expect((await other.polar.checkoutLinks.list()).items).toEqual([]);
  });
});
