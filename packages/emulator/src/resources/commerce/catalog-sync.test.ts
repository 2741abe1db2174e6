import { describe, expect, it } from "vitest";
import { useEmulator } from "../../../test/harness";
import { PAYING_FORM, submitCheckoutForm, webhookReceiver } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

// Products and benefits made through the catalog's own API: grants follow its changes.
describe("grants follow the catalog", () => {
  it("grants an added benefit to current subscribers and revokes a removed or deleted one", async () => {
    const product = await polar.products.create({
      name: "Catalog plan",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 1500 }],
    });
    const checkout = await polar.checkouts.create({ products: [product.id] });
    expect(
      (await submitCheckoutForm(checkout.url, { ...PAYING_FORM, customer_email: "sync@example.com" })).status,
    ).toBe(303);
    const [subscription] = (await polar.subscriptions.list({ product_id: product.id })).items;
    const customerId = subscription!.customer_id;
    expect((await polar.customers.getState(customerId)).granted_benefits).toEqual([]);

    const chat = await polar.benefits.create({ type: "custom", description: "Team chat", properties: {} });
    const calls = await polar.benefits.create({ type: "custom", description: "Office hours", properties: {} });
    await receiver.take();
    await polar.products.updateBenefits(product.id, { benefits: [chat.id, calls.id] });
    const granted = await polar.customers.getState(customerId);
    expect(granted.granted_benefits.map((g) => g.benefit_id).sort()).toEqual([chat.id, calls.id].sort());
    const created = (await receiver.take()).filter((e) => e.type === "benefit_grant.created");
    expect(created.map((e) => e.data.subscription_id)).toEqual([subscription!.id, subscription!.id]);

    await polar.products.updateBenefits(product.id, { benefits: [calls.id] });
    expect((await polar.customers.getState(customerId)).granted_benefits.map((g) => g.benefit_id)).toEqual([calls.id]);

    await polar.benefits.delete(calls.id);
    expect((await polar.customers.getState(customerId)).granted_benefits).toEqual([]);
    const revoked = (await receiver.take()).filter((e) => e.type === "benefit_grant.revoked");
    expect(revoked.map((e) => e.data.benefit_id)).toEqual([chat.id, calls.id]);
  });
});
