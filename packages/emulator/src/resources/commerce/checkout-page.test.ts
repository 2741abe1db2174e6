import { describe, expect, it } from "vitest";
import { useEmulator } from "../../../test/harness";
import { cardProblem } from "./checkout-page";
import { insertDiscount, insertProduct, PAYING_FORM, submitCheckoutForm, webhookReceiver } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

async function open(spec: Parameters<typeof insertProduct>[1] = {}, extra: Record<string, unknown> = {}) {
  const product = insertProduct(emu, spec);
  return polar.checkouts.create({ products: [product.id], ...extra });
}

describe("the hosted checkout page", () => {
  it("renders a form that works without JavaScript, escaping what it shows", async () => {
    const checkout = await open(
      {
        name: "<script>alert('x')</script> Deluxe",
        description: 'Tom & "Jerry"',
        prices: [{ type: "fixed", amount: 4900 }],
      },
      { customer_name: '<img src=x onerror="alert(1)">' },
    );
    const res = await fetch(checkout.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<script>");
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Deluxe");
    expect(html).toContain("Tom &amp; &quot;Jerry&quot;");
    expect(html).toContain('value="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"');
    expect(html).toContain("$49.00");
    for (const field of ["customer_email", "customer_name", "country", "card_number", "card_expiry", "card_cvc"]) {
      expect(html).toContain(`name="${field}"`);
    }
    expect(html).toMatch(/<form method="post" action="\/checkout\/polar_c_[^"]+">/);
  });

  it("shows product choice, seats, pay-what-you-want, custom fields and the discount code", async () => {
    const seats = insertProduct(emu, {
      name: "Seats",
      recurring: "month",
      prices: [{ type: "seat_based", tiers: [{ min_seats: 2, max_seats: null, price_per_seat: 500 }] }],
      customFields: [
        { slug: "company", required: true },
        { slug: "newsletter", type: "checkbox" },
      ],
    });
    const tip = insertProduct(emu, { name: "Tip", prices: [{ type: "custom", minimum: 100, preset: 300 }] });
    const checkout = await polar.checkouts.create({ products: [seats.id, tip.id], require_billing_address: true });
    const html = await (await fetch(checkout.url)).text();
    expect(html).toContain('type="radio" name="product_id"');
    expect(html).toContain('name="seats"');
    expect(html).toContain('name="custom_field_data.company"');
    expect(html).toContain('type="checkbox" name="custom_field_data.newsletter"');
    expect(html).toContain('name="line1"');
    expect(html).not.toContain('name="discount_code"'); // seat-based prices take no discount

    const toTip = await submitCheckoutForm(checkout.url, { product_id: tip.id, action: "update" });
    expect(toTip.status).toBe(200);
    const tipHtml = await toTip.text();
    expect(tipHtml).toContain('name="amount"');
    expect(tipHtml).toContain('value="3.00"');
    expect(tipHtml).toContain('name="discount_code"');
    expect((await polar.checkouts.get(checkout.id)).product_id).toBe(tip.id);
  });

  it("applies a discount code and a chosen amount before paying", async () => {
    insertDiscount(emu, { code: "HALF", basisPoints: 5000 });
    const checkout = await open({ name: "Donation", prices: [{ type: "custom", minimum: 500 }] });
    const update = await submitCheckoutForm(checkout.url, { amount: "20", discount_code: "half", action: "update" });
    expect(update.status).toBe(200);
    const html = await update.text();
    expect(html).toContain("$20.00");
    expect(html).toContain("-$10.00");
    expect(await polar.checkouts.get(checkout.id)).toMatchObject({
      amount: 2000,
      discount_amount: 1000,
      total_amount: 1000,
    });

    const paid = await submitCheckoutForm(checkout.url, {
      ...PAYING_FORM,
      customer_email: "donor@example.com",
      amount: "20",
      discount_code: "HALF",
    });
    expect(paid.status).toBe(303);
    const order = (await polar.orders.list({ checkout_id: checkout.id })).items[0];
    expect(order).toMatchObject({ subtotal_amount: 2000, discount_amount: 1000, total_amount: 1000 });
  });

  it("re-renders a declined card with the entered values and creates nothing", async () => {
    const checkout = await open({ name: "Declinable", prices: [{ type: "fixed", amount: 1200 }] });
    await receiver.take();
    const res = await submitCheckoutForm(checkout.url, {
      ...PAYING_FORM,
      customer_email: "decline@example.com",
      customer_name: "Dee <Cline>",
      card_number: "4000 0000 0000 0002",
    });
    expect(res.status).toBe(402);
    const html = await res.text();
    expect(html).toContain("Your card was declined");
    expect(html).toContain('value="decline@example.com"');
    expect(html).toContain('value="Dee &lt;Cline&gt;"');
    expect(html).toContain('value="4000 0000 0000 0002"');
    expect(await polar.checkouts.get(checkout.id)).toMatchObject({ status: "open", customer_email: null });
    expect((await polar.customers.list({ email: "decline@example.com" })).items).toEqual([]);
    expect((await polar.orders.list({ checkout_id: checkout.id })).items).toEqual([]);
    expect(await receiver.take()).toEqual([]);

    // The same checkout can still be paid with another card.
    const retry = await submitCheckoutForm(checkout.url, { ...PAYING_FORM, customer_email: "decline@example.com" });
    expect(retry.status).toBe(303);
  });

  it("rejects incomplete input and expired cards with a clear message", async () => {
    const checkout = await open({ prices: [{ type: "fixed", amount: 800 }] });
    const cases: [Record<string, string>, string][] = [
      [{ card_number: "" }, "Enter your card number"],
      [{ card_expiry: "01/20" }, "Your card has expired."],
      [{ card_expiry: "13/40" }, "Enter the expiry date as MM/YY."],
      [{ card_number: "4242 4242 4242 4241" }, "Your card number is invalid."],
      [{ card_cvc: "1" }, "security code"],
      [{ customer_email: "" }, "Email is required."],
      [{ customer_email: "nope" }, "Enter a valid email address."],
      [{ country: "" }, "Billing address is required."],
      [{ country: "XX" }, "Choose a country."],
      [{ country: "US" }, "Address is required."],
    ];
    for (const [change, message] of cases) {
      const res = await submitCheckoutForm(checkout.url, {
        ...PAYING_FORM,
        customer_email: "late@example.com",
        ...change,
      });
      expect(res.status, message).toBe(422);
      expect(await res.text()).toContain(message);
    }
    expect((await polar.checkouts.get(checkout.id)).status).toBe("open");
    expect((await polar.orders.list({ checkout_id: checkout.id })).items).toEqual([]);
  });

  it("requires required custom fields when paying", async () => {
    const product = insertProduct(emu, {
      prices: [{ type: "fixed", amount: 0 }],
      customFields: [{ slug: "team", required: true }],
    });
    const checkout = await polar.checkouts.create({ products: [product.id] });
    const html = await (await fetch(checkout.url)).text();
    expect(html).not.toContain('name="card_number"'); // free: no card
    const missing = await submitCheckoutForm(checkout.url, { customer_email: "free@example.com", action: "pay" });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain("team: ");
    const ok = await submitCheckoutForm(checkout.url, {
      customer_email: "free@example.com",
      "custom_field_data.team": "Platform",
      action: "pay",
    });
    expect(ok.status).toBe(303);
    const order = (await polar.orders.list({ checkout_id: checkout.id })).items[0];
    expect(order).toMatchObject({ total_amount: 0, custom_field_data: { team: "Platform" } });
  });

  it("cannot pay an expired checkout, nor one already paid", async () => {
    const expired = await open();
    const paid = await open();
    expect((await submitCheckoutForm(paid.url, { ...PAYING_FORM, customer_email: "once@example.com" })).status).toBe(
      303,
    );
    emu.advanceClock(25 * 60 * 60 * 1000);
    const page = await fetch(expired.url);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("expired");
    const post = await submitCheckoutForm(expired.url, PAYING_FORM);
    expect(post.status).toBe(410);
    expect((await polar.orders.list({ checkout_id: expired.id })).items).toEqual([]);
    const again = await submitCheckoutForm(paid.url, PAYING_FORM);
    expect(again.status).toBe(403);
    expect(await (await fetch(paid.url)).text()).toContain("Thank you");
    expect((await fetch(`${emu.url}/checkout/polar_c_unknown`)).status).toBe(404);
  });
});

describe("card checks", () => {
  const now = new Date("2030-06-15T00:00:00Z");
  it("accepts a card through the end of its expiry month", () => {
    expect(cardProblem({ card_number: "4242424242424242", card_expiry: "06/30", card_cvc: "123" }, now)).toBeNull();
    expect(cardProblem({ card_number: "4242424242424242", card_expiry: "05/2030", card_cvc: "123" }, now)).toBe(
      "Your card has expired.",
    );
  });
});
