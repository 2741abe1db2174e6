import { describe, expect, it } from "vitest";
import { useEmulator } from "../../../test/harness";

const { emu, polar } = await useEmulator();

async function buyWithPage(cardNumber: string, expiry: string, email: string) {
  const product = await polar.products.create({
    name: `One-off ${email}`,
    prices: [{ amount_type: "fixed", price_amount: 900, price_currency: "usd" }],
  } as never);
  const checkout = await polar.checkouts.create({
    products: [product.id],
    customer_email: email,
    external_customer_id: email,
  });
  const form = new URLSearchParams({
    customer_email: email,
    customer_name: "Card Holder",
    card_number: cardNumber,
    card_expiry: expiry,
    card_cvc: "123",
    country: "FR",
    city: "Paris",
    postal_code: "75001",
  });
  const res = await fetch(checkout.url, { method: "POST", body: form, redirect: "manual" });
  return res.status;
}

describe("customer payment methods", () => {
  it("keeps the card a customer paid with, once, and lists it by id and external id", async () => {
    expect(await buyWithPage("4242 4242 4242 4242", "08/31", "card@example.com")).toBe(303);
    const customer = (await polar.customers.getExternal("card@example.com")) as { id: string };
    const page = await polar.customers.listPaymentMethods(customer.id);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      type: "card",
      customer_id: customer.id,
      method_metadata: { last4: "4242", exp_month: 8, exp_year: 2031 },
    });
    const external = await polar.customers.listPaymentMethodsExternal("card@example.com");
    expect(external.items.map((m) => m.id)).toEqual(page.items.map((m) => m.id));
  });

  it("lists nothing for a customer who never paid, and 404 for another organization's or unknown id", async () => {
    const customer = await polar.customers.create({ email: "nocard@example.com" });
    expect((await polar.customers.listPaymentMethods(customer.id)).items).toEqual([]);
    const error = await polar.customers.listPaymentMethods("00000000-0000-4000-8000-000000000000").catch((e) => e);
    expect(error.status).toBe(404);
    expect(emu.url).toMatch(/^http/);
  });
});
