// Metered prices billed on the renewal order: the units consumed beyond the meter's credits, at the
// price's unit amount and within its cap, then a fresh period.
import { describe, expect, it } from "vitest";
import { useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const DAY = 24 * 60 * 60 * 1000;

const meter = await polar.meters.create({
  name: "API calls",
  filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "api.call" }] },
  aggregation: { func: "count" },
});

let plans = 0;

/** A customer subscribed to $10/month plus `unitCents` per API call beyond 10 included calls. */
async function subscriber(unitCents: string, capAmount: number | null = null) {
  plans += 1;
  const credits = await polar.benefits.create({
    type: "meter_credit",
    description: `Included calls ${plans}`,
    properties: { meter_id: meter.id, units: 10, rollover: false },
  } as never);
  const product = await polar.products.create({
    name: `Metered plan ${plans}`,
    recurring_interval: "month",
    prices: [
      { amount_type: "fixed", price_amount: 1000, price_currency: "usd" },
      { amount_type: "metered_unit", meter_id: meter.id, unit_amount: unitCents, cap_amount: capAmount },
    ],
  } as never);
  await polar.products.updateBenefits(product.id, { benefits: [credits.id] });
  const external = `metered-${plans}`;
  const checkout = await polar.checkouts.create({ products: [product.id], external_customer_id: external });
  await polar.checkouts.clientConfirm(checkout.client_secret, {
    customer_email: `${external}@example.com`,
    customer_name: "Metered",
    customer_billing_address: { country: "FR" },
  });
  const { subscription_id } = (await polar.orders.list({ checkout_id: checkout.id })).items[0]!;
  return { subscriptionId: subscription_id as string, external };
}

const calls = (external: string, times: number) =>
  polar.events.ingest({
    events: Array.from({ length: times }, () => ({ name: "api.call", external_customer_id: external })),
  });

async function renewals(subscriptionId: string) {
  const page = await polar.orders.list({ subscription_id: subscriptionId, sorting: ["created_at"] });
  return page.items.filter((order) => order.billing_reason === "subscription_cycle");
}

describe("metered prices", () => {
  it("charges nothing up front for the metered price", async () => {
    const { subscriptionId } = await subscriber("50");
    const [first] = (await polar.orders.list({ subscription_id: subscriptionId })).items;
    expect(first).toMatchObject({ subtotal_amount: 1000, billing_reason: "subscription_create" });
  });

  it("bills the units beyond the credits on the renewal order, then starts a fresh period", async () => {
    const { subscriptionId, external } = await subscriber("50");
    await calls(external, 15);
    emu.advanceClock(32 * DAY);
    const [renewal] = await renewals(subscriptionId);
    expect(renewal).toMatchObject({ subtotal_amount: 1250, total_amount: 1250 });
    expect(renewal?.items.map((item) => [item.label, item.amount])).toEqual([
      [expect.stringContaining("Metered plan"), 1000],
      ["API calls: 5 units", 250],
    ]);

    // The next period starts with its credits again: 3 calls bill nothing.
    await calls(external, 3);
    emu.advanceClock(31 * DAY);
    const [, next] = await renewals(subscriptionId);
    expect(next).toMatchObject({ subtotal_amount: 1000 });
    expect(next?.items).toHaveLength(1);
  });

  it("rounds fractional unit amounts to the cent and stops at the cap", async () => {
    const capped = await subscriber("12.5", 100);
    await calls(capped.external, 30);
    const fractional = await subscriber("12.5");
    await calls(fractional.external, 13);
    emu.advanceClock(32 * DAY);
    expect((await renewals(capped.subscriptionId))[0]).toMatchObject({ subtotal_amount: 1100 });
    // 3 units × 12.5 ¢ = 37.5 ¢, billed as 38 ¢.
    expect((await renewals(fractional.subscriptionId))[0]).toMatchObject({ subtotal_amount: 1038 });
  });
});
