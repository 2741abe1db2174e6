import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { insertBenefit, insertDiscount, insertProduct, otherOrganization, webhookReceiver } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("should fail"),
    (e) => e as PolarApiError,
  );
const DAY = 24 * 60 * 60 * 1000;

describe("checkouts (API)", () => {
  it("opens a checkout with its amounts, URLs and expiry", async () => {
    const product = insertProduct(emu, { name: "E-book", prices: [{ type: "fixed", amount: 1999 }] });
    const checkout = await polar.checkouts.create({
      products: [product.id],
      success_url: "https://shop.example/done/{CHECKOUT_ID}",
      return_url: "https://shop.example/back",
      embed_origin: "https://shop.example",
      customer_email: "buyer@example.com",
      metadata: { order_ref: "A-1" },
      customer_metadata: { source: "ads" },
    });
    expect(checkout).toMatchObject({
      status: "open",
      product_id: product.id,
      amount: 1999,
      discount_amount: 0,
      net_amount: 1999,
      tax_amount: 0,
      total_amount: 1999,
      currency: "usd",
      is_payment_required: true,
      is_payment_form_required: true,
      is_free_product_price: false,
      success_url: `https://shop.example/done/${checkout.id}`,
      return_url: "https://shop.example/back",
      embed_origin: "https://shop.example",
      metadata: { order_ref: "A-1" },
      customer_metadata: { source: "ads" },
      customer_email: "buyer@example.com",
    });
    expect(checkout.client_secret).toMatch(/^polar_c_/);
    expect(new Date(checkout.expires_at).getTime() - new Date(checkout.created_at).getTime()).toBe(DAY);
    expect(await polar.checkouts.get(checkout.id)).toEqual(checkout);
    const events = await receiver.take();
    expect(events.map((e) => e.type)).toEqual(["checkout.created"]);
  });

  it("validates products, custom amounts, seats and discounts", async () => {
    const pwyw = insertProduct(emu, { name: "Tip jar", prices: [{ type: "custom", minimum: 500, maximum: 5000 }] });
    const tooLow = await call(emu, "POST", "/v1/checkouts/", { body: { products: [pwyw.id], amount: 100 } });
    expect(tooLow.status).toBe(422);
    expect(tooLow.body.detail[0]).toMatchObject({ loc: ["body", "amount"], type: "greater_than_equal" });
    const chosen = await polar.checkouts.create({ products: [pwyw.id], amount: 2500 });
    expect(chosen).toMatchObject({ amount: 2500, total_amount: 2500 });

    const seats = insertProduct(emu, {
      name: "Team",
      recurring: "month",
      prices: [
        {
          type: "seat_based",
          tiers: [
            { min_seats: 1, max_seats: 4, price_per_seat: 1000 },
            { min_seats: 5, max_seats: null, price_per_seat: 800 },
          ],
        },
      ],
    });
    const five = await polar.checkouts.create({ products: [seats.id], seats: 5 });
    expect(five).toMatchObject({ seats: 5, min_seats: 1, amount: 4000 });

    const missing = await call(emu, "POST", "/v1/checkouts/", {
      body: { products: ["00000000-0000-4000-8000-000000000000"] },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0]).toMatchObject({ loc: ["body", "products", 0], msg: "Product does not exist." });
    const other = otherOrganization(emu);
    const theirs = insertProduct(emu, { organizationId: other.organizationId });
    expect((await call(emu, "POST", "/v1/checkouts/", { body: { products: [theirs.id] } })).status).toBe(422);

    const discount = insertDiscount(emu, { basisPoints: 2500 });
    const book = insertProduct(emu, { prices: [{ type: "fixed", amount: 4000 }] });
    const discounted = await polar.checkouts.create({ products: [book.id], discount_id: discount.id });
    expect(discounted).toMatchObject({ amount: 4000, discount_amount: 1000, net_amount: 3000, total_amount: 3000 });
    expect(discounted.discount).toMatchObject({ id: discount.id, type: "percentage", basis_points: 2500 });

    const customer = await call(emu, "POST", "/v1/checkouts/", {
      body: { products: [book.id], customer_id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(customer.body.detail[0]).toMatchObject({ loc: ["body", "customer_id"], msg: "Customer does not exist." });
  });

  it("updates a checkout as the organization and as the client", async () => {
    const monthly = insertProduct(emu, {
      name: "Monthly",
      recurring: "month",
      prices: [{ type: "fixed", amount: 1000 }],
    });
    const yearly = insertProduct(emu, {
      name: "Yearly",
      recurring: "year",
      prices: [{ type: "fixed", amount: 10000 }],
    });
    const checkout = await polar.checkouts.create({ products: [monthly.id, yearly.id] });
    expect(checkout.products.map((p) => p.id)).toEqual([monthly.id, yearly.id]);
    await receiver.take();

    const updated = await polar.checkouts.update(checkout.id, {
      product_id: yearly.id,
      metadata: { step: "2" },
      customer_name: "Linus",
    });
    expect(updated).toMatchObject({
      product_id: yearly.id,
      amount: 10000,
      metadata: { step: "2" },
      customer_name: "Linus",
    });
    const notHere = await call(emu, "PATCH", `/v1/checkouts/${checkout.id}`, {
      body: { product_id: insertProduct(emu).id },
    });
    expect(notHere.body.detail[0]).toMatchObject({ msg: "Product is not available in this checkout." });

    const code = insertDiscount(emu, { code: "SPRING", amount: 2000, duration: "forever" });
    const client = await polar.checkouts.clientUpdate(checkout.client_secret, {
      discount_code: "spring",
      customer_email: "client@example.com",
    });
    expect(client).toMatchObject({ discount_id: code.id, discount_amount: 2000, total_amount: 8000 });
    expect(client.organization).toMatchObject({ id: emu.organizationId, slug: "acme" });
    expect(client).not.toHaveProperty("metadata");
    expect(client).not.toHaveProperty("customer_metadata");
    const wrong = await call(emu, "PATCH", `/v1/checkouts/client/${checkout.client_secret}`, {
      body: { discount_code: "NOPE" },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.detail[0]).toMatchObject({ loc: ["body", "discount_code"], msg: "Discount does not exist." });

    const fetched = await polar.checkouts.clientGet(checkout.client_secret);
    expect(fetched.customer_email).toBe("client@example.com");
    expect((await receiver.take()).map((e) => e.type)).toEqual(["checkout.updated", "checkout.updated"]);
  });

  it("keeps a flag the API never shows as null when an update sends null", async () => {
    const product = insertProduct(emu, { name: "Nulls", prices: [{ type: "fixed", amount: 700 }] });
    const checkout = await polar.checkouts.create({ products: [product.id], require_billing_address: true });
    const nulls = { require_billing_address: null, allow_discount_codes: null, allow_trial: null, return_url: null };
    const res = await call(emu, "PATCH", `/v1/checkouts/${checkout.id}`, { body: nulls });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ require_billing_address: true, allow_discount_codes: true, return_url: null });
    expect((await call(emu, "GET", `/v1/checkouts/client/${checkout.client_secret}`, { token: null })).status).toBe(
      200,
    );
  });

  it("shows a fractional customer_metadata value as text, as the API's Checkout types it", async () => {
    const product = insertProduct(emu, { name: "Floats", prices: [{ type: "fixed", amount: 700 }] });
    const created = await call(emu, "POST", "/v1/checkouts/", {
      body: { products: [product.id], customer_metadata: { ratio: 0.25, seats: 3 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.customer_metadata).toEqual({ ratio: "0.25", seats: 3 });
    const updated = await call(emu, "PATCH", `/v1/checkouts/${created.body.id}`, {
      body: { customer_metadata: { tiny: 3.5e-323 } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.customer_metadata).toEqual({ tiny: "3.5e-323" });
  });

  it("offers the product's trial unless the checkout disallows it", async () => {
    const product = insertProduct(emu, {
      recurring: "month",
      trial: { interval: "day", count: 14 },
      prices: [{ type: "fixed", amount: 3000 }],
    });
    const checkout = await polar.checkouts.create({ products: [product.id] });
    expect(checkout).toMatchObject({
      active_trial_interval: "day",
      active_trial_interval_count: 14,
      is_payment_required: false,
      is_payment_setup_required: true,
    });
    expect(new Date(checkout.trial_end!).getTime() - Date.now()).toBeGreaterThan(13 * DAY);
    const without = await polar.checkouts.create({ products: [product.id], allow_trial: false });
    expect(without).toMatchObject({ active_trial_interval: null, trial_end: null, is_payment_required: true });
  });

  it("confirms and pays through the client API", async () => {
    const benefit = insertBenefit(emu, "custom");
    const product = insertProduct(emu, {
      name: "Course",
      prices: [{ type: "fixed", amount: 5000 }],
      benefits: [benefit],
    });
    const checkout = await polar.checkouts.create({ products: [product.id], customer_email: "api@example.com" });
    const incomplete = await call(emu, "POST", `/v1/checkouts/client/${checkout.client_secret}/confirm`, {
      token: null,
      body: {},
    });
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.detail.map((d: { loc: string[] }) => d.loc.join("."))).toEqual([
      "body.customer_name",
      "body.customer_billing_address",
    ]);

    const confirmed = await polar.checkouts.clientConfirm(checkout.client_secret, {
      customer_name: "Api Buyer",
      customer_billing_address: { country: "SE" },
    });
    expect(confirmed.status).toBe("confirmed");
    expect(confirmed.customer_session_token).toMatch(/^polar_cst_/);
    const after = await polar.checkouts.get(checkout.id);
    expect(after).toMatchObject({ status: "succeeded", customer_email: "api@example.com" });
    const orders = await polar.orders.list({ checkout_id: checkout.id });
    expect(orders.items[0]).toMatchObject({ billing_reason: "purchase", total_amount: 5000, subscription_id: null });
    const grants = emu.state.store.all<{ id: string; order_id: string; is_granted: boolean }>("benefit_grant", {
      customerId: after.customer_id!,
    });
    expect(grants).toEqual([expect.objectContaining({ order_id: orders.items[0]!.id, is_granted: true })]);
    const session = await call(emu, "GET", "/v1/customer-portal/customers/me", {
      token: confirmed.customer_session_token!,
    });
    expect(session.status).not.toBe(401);

    const twice = await call(emu, "POST", `/v1/checkouts/client/${checkout.client_secret}/confirm`, { body: {} });
    expect(twice.status).toBe(403);
    expect(twice.body.error).toBe("NotOpenCheckout");
  });

  it("upgrades a free subscription in place", async () => {
    const free = insertProduct(emu, { name: "Free tier", recurring: "month", prices: [{ type: "fixed", amount: 0 }] });
    const paid = insertProduct(emu, {
      name: "Paid tier",
      recurring: "month",
      prices: [{ type: "fixed", amount: 1200 }],
    });
    const customer = await polar.customers.create({ email: "upgrade@example.com", name: "Up Grade" });
    const subscription = await polar.subscriptions.create({ product_id: free.id, customer_id: customer.id });
    const notFree = await call(emu, "POST", "/v1/checkouts/", {
      body: { products: [paid.id], subscription_id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(notFree.body.detail[0]).toMatchObject({ loc: ["body", "subscription_id"] });
    const checkout = await polar.checkouts.create({ products: [paid.id], subscription_id: subscription.id });
    expect(checkout).toMatchObject({ customer_id: customer.id, customer_email: "upgrade@example.com" });
    await polar.checkouts.clientConfirm(checkout.client_secret, { customer_billing_address: { country: "DK" } });
    const upgraded = await polar.subscriptions.get(subscription.id);
    expect(upgraded).toMatchObject({ product_id: paid.id, amount: 1200, status: "active" });
    const orders = await polar.orders.list({ subscription_id: subscription.id, sorting: ["created_at"] });
    expect(orders.items.map((o) => [o.billing_reason, o.total_amount])).toEqual([
      ["subscription_create", 0],
      ["subscription_update", 1200],
    ]);
    expect((await polar.subscriptions.list({ customer_id: customer.id })).items).toHaveLength(1);
  });

  it("keeps the checkout open when the card is declined", async () => {
    const product = insertProduct(emu, { prices: [{ type: "fixed", amount: 700 }] });
    const checkout = await polar.checkouts.create({ products: [product.id] });
    await receiver.take();
    const declined = await call(emu, "POST", `/v1/checkouts/client/${checkout.client_secret}/confirm`, {
      body: {
        customer_email: "declined@example.com",
        customer_name: "Declined",
        customer_billing_address: { country: "NL" },
        confirmation_token_id: "tok_chargeDeclined",
      },
    });
    expect(declined.status).toBe(400);
    expect(declined.body).toMatchObject({ error: "PaymentError" });
    const still = await polar.checkouts.get(checkout.id);
    expect(still).toMatchObject({ status: "open", customer_email: null });
    expect((await polar.customers.list({ email: "declined@example.com" })).items).toEqual([]);
    expect((await polar.orders.list({ checkout_id: checkout.id })).items).toEqual([]);
    expect(await receiver.take()).toEqual([]);
  });

  it("expires after 24 hours", async () => {
    const product = insertProduct(emu);
    const checkout = await polar.checkouts.create({ products: [product.id] });
    await receiver.take();
    emu.advanceClock(DAY + 1000);
    expect((await polar.checkouts.get(checkout.id)).status).toBe("expired");
    const gone = await failure(polar.checkouts.clientGet(checkout.client_secret));
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ error: "ExpiredCheckoutError" });
    const pay = await call(emu, "POST", `/v1/checkouts/client/${checkout.client_secret}/confirm`, { body: {} });
    expect(pay.status).toBe(410);
    const update = await call(emu, "PATCH", `/v1/checkouts/${checkout.id}`, { body: { customer_name: "Late" } });
    expect(update.status).toBe(403);
    expect(update.body.error).toBe("NotOpenCheckout");
    // Every other open checkout of this file expired too; this one exactly once.
    const events = (await receiver.take()).filter((e) => e.data.id === checkout.id);
    expect(events.map((e) => e.type)).toEqual(["checkout.expired"]);
    expect(events[0]?.data).toMatchObject({ id: checkout.id, status: "expired" });
  });

  it("lists and isolates checkouts", async () => {
    const product = insertProduct(emu, { name: "Listed" });
    const a = await polar.checkouts.create({ products: [product.id], customer_email: "list@example.com" });
    const listed = await polar.checkouts.list({ product_id: product.id, query: "LIST@" });
    expect(listed.items.map((c) => c.id)).toEqual([a.id]);
    expect((await polar.checkouts.list({ status: "succeeded", product_id: product.id })).items).toEqual([]);
    const other = otherOrganization(emu);
    expect((await failure(other.polar.checkouts.get(a.id))).status).toBe(404);
    expect((await other.polar.checkouts.list()).items).toEqual([]);
    const bogus = await call(emu, "GET", "/v1/checkouts/client/polar_c_doesnotexist", { token: null });
    expect(bogus.status).toBe(404);
    const huge = await call(emu, "GET", "/v1/checkouts/?limit=500");
    expect(huge.status).toBe(200);
    const wrong = await call(emu, "POST", "/v1/checkouts/", { body: { products: "not-a-list" } });
    expect(wrong.status).toBe(422);
  });
});
