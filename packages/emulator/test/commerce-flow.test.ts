import { describe, expect, it } from "vitest";
import {
  insertBenefit,
  insertProduct,
  PAYING_FORM,
  submitCheckoutForm,
  webhookReceiver,
} from "../src/resources/commerce/testing";
import { validatorAt } from "../src/validate";
import { useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

/** Every delivered payload must match the spec's webhook schema for its type. */
function expectSpecPayloads(events: { type: string; data: unknown }[]) {
  for (const event of events) {
    const validate = validatorAt(
      "webhooks",
      event.type,
      "post",
      "requestBody",
      "content",
      "application/json",
      "schema",
    );
    const ok = validate({ type: event.type, timestamp: new Date().toISOString(), data: event.data });
    expect(ok, `${event.type}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
  }
}

describe("the purchase flow, end to end over HTTP", () => {
  it("sells a subscription on the hosted page and tells the merchant in order", async () => {
    const community = insertBenefit(emu, "custom", "Community access");
    const license = insertBenefit(emu, "license_keys", "Desktop app license");
    const product = insertProduct(emu, {
      name: "Pro monthly",
      recurring: "month",
      prices: [{ type: "fixed", amount: 2500 }],
      benefits: [community, license],
    });

    const checkout = await polar.checkouts.create({
      products: [product.id],
      success_url: "https://shop.example/thanks?checkout={CHECKOUT_ID}",
      metadata: { campaign: "spring" },
      external_customer_id: "user_42",
    });
    expect(checkout).toMatchObject({ status: "open", amount: 2500, total_amount: 2500, currency: "usd" });
    expect(checkout.url).toBe(`${emu.url}/checkout/${checkout.client_secret}`);
    await receiver.take();

    const page = await fetch(checkout.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain("Pro monthly");
    expect(html).toContain('name="card_number"');
    expect(html).toContain(`action="/checkout/${checkout.client_secret}"`);

    const paid = await submitCheckoutForm(checkout.url, PAYING_FORM);
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`https://shop.example/thanks?checkout=${checkout.id}`);

    const done = await polar.checkouts.get(checkout.id);
    expect(done.status).toBe("succeeded");
    expect(done.customer_id).not.toBeNull();

    const orders = await polar.orders.list({ checkout_id: checkout.id });
    expect(orders.items).toHaveLength(1);
    const order = orders.items[0]!;
    expect(order).toMatchObject({
      status: "paid",
      paid: true,
      billing_reason: "subscription_create",
      subtotal_amount: 2500,
      total_amount: 2500,
      metadata: { campaign: "spring" },
      billing_name: "Ada Lovelace",
      customer: { email: "ada@example.com", external_id: "user_42" },
    });
    expect(order.items).toHaveLength(1);

    const subscription = await polar.subscriptions.get(order.subscription_id!);
    expect(subscription).toMatchObject({
      status: "active",
      amount: 2500,
      recurring_interval: "month",
      metadata: { campaign: "spring" },
      checkout_id: checkout.id,
    });
    const start = new Date(subscription.current_period_start);
    const end = new Date(subscription.current_period_end);
    expect(end.getUTCMonth()).toBe((start.getUTCMonth() + 1) % 12);

    const state = await polar.customers.getStateExternal("user_42");
    expect(state.active_subscriptions.map((s) => s.id)).toEqual([subscription.id]);
    expect(state.granted_benefits.map((g) => g.benefit_id).sort()).toEqual([community.id, license.id].sort());
    const keyGrant = state.granted_benefits.find((g) => g.benefit_id === license.id)!;
    const displayKey = (keyGrant.properties as { display_key: string }).display_key;
    expect(displayKey).toMatch(/^\*\*\*\*-[0-9A-F-]{6}$/);
    const licenseKey = emu.state.store.find<{ id: string; key: string; limit_activations: number; status: string }>(
      "license_key",
      (keyGrant.properties as { license_key_id: string }).license_key_id,
    )!;
    expect(licenseKey.key).toMatch(/^PK-[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(displayKey).toBe(`****-${licenseKey.key.slice(-6)}`);
    expect(licenseKey).toMatchObject({ limit_activations: 3, status: "granted" });

    const events = await receiver.take();
    expect(receiver.rejected).toEqual([]);
    expect(events.map((e) => e.type)).toEqual([
      "checkout.updated",
      "customer.created",
      "order.created",
      "order.updated",
      "order.paid",
      "subscription.created",
      "subscription.active",
      "benefit_grant.created",
      "benefit_grant.created",
      "customer.state_changed",
      "checkout.updated",
    ]);
    expect(events[0]?.data.status).toBe("confirmed");
    expect(events.at(-1)?.data.status).toBe("succeeded");
    expect(events.find((e) => e.type === "order.paid")?.data.id).toBe(order.id);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expectSpecPayloads(events);
  });

  it("renews the subscription when the clock passes the period end", async () => {
    const product = insertProduct(emu, {
      name: "Team weekly",
      recurring: "week",
      prices: [{ type: "fixed", amount: 900 }],
    });
    const checkout = await polar.checkouts.create({ products: [product.id] });
    const paid = await submitCheckoutForm(checkout.url, { ...PAYING_FORM, customer_email: "grace@example.com" });
    expect(paid.status).toBe(303);
    // Without a success URL the emulator's own confirmation page is the destination.
    expect(paid.headers.get("location")).toBe(`${checkout.url}/confirmation`);
    const confirmation = await fetch(paid.headers.get("location")!);
    expect(await confirmation.text()).toContain("Thank you");
    await receiver.take();

    const [subscription] = (await polar.subscriptions.list({ product_id: product.id })).items;
    emu.advanceClock(8 * 24 * 60 * 60 * 1000);

    const renewed = await polar.subscriptions.get(subscription!.id);
    expect(renewed.current_period_start).toBe(subscription!.current_period_end);
    expect(new Date(renewed.current_period_end).getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const orders = await polar.orders.list({ subscription_id: subscription!.id, sorting: ["created_at"] });
    expect(orders.items.map((o) => o.billing_reason)).toEqual(["subscription_create", "subscription_cycle"]);
    expect(orders.items[1]).toMatchObject({ status: "paid", total_amount: 900 });

    const events = await receiver.take();
    expect(receiver.rejected).toEqual([]);
    expect(events.map((e) => e.type)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "order.created",
      "order.updated",
      "order.paid",
      "customer.state_changed",
    ]);
    expectSpecPayloads(events);
  });
});
