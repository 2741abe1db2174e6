// System events (source "system") recorded for the emulator's own state changes, and customer meters
// that restart at each subscription cycle with fresh credits (rolled over when the benefit says so).
// Responses are schema-validated by the harness, so each event's metadata is checked against the spec.
import { describe, expect, it } from "vitest";
import { useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const DAY = 24 * 60 * 60 * 1000;

const meter = await polar.meters.create({
  name: "Requests",
  filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "request" }] },
  aggregation: { func: "count" },
});

let buyers = 0;

/** A customer subscribed to a monthly plan whose meter_credit benefit credits `units` on `meter`. */
async function subscriber(units: number, rollover: boolean) {
  buyers += 1;
  const benefit = await polar.benefits.create({
    type: "meter_credit",
    description: `Credits ${buyers}`,
    properties: { meter_id: meter.id, units, rollover },
  } as never);
  const product = await polar.products.create({
    name: `Plan ${buyers}`,
    recurring_interval: "month",
    prices: [{ amount_type: "fixed", price_amount: 1000, price_currency: "usd" }],
  } as never);
  await polar.products.updateBenefits(product.id, { benefits: [benefit.id] });
  const external = `user-${buyers}`;
  const checkout = await polar.checkouts.create({ products: [product.id], external_customer_id: external });
  await polar.checkouts.clientConfirm(checkout.client_secret, {
    customer_email: `system-${buyers}@example.com`,
    customer_name: "System Events",
    customer_billing_address: { country: "FR" },
  });
  const { customer_id } = await polar.checkouts.get(checkout.id);
  return { customerId: customer_id as string, external };
}

const balance = async (customerId: string) => {
  const page = await polar.customerMeters.list({ customer_id: customerId, meter_id: meter.id });
  return page.items[0];
};

const use = (external: string, times: number) =>
  polar.events.ingest({
    events: Array.from({ length: times }, () => ({ name: "request", external_customer_id: external })),
  });

const systemNames = async (customerId: string) =>
  (await polar.events.list({ customer_id: customerId, source: "system", sorting: ["timestamp"], limit: 100 })).items
    .map((event) => event.name)
    .sort();

describe("system events", () => {
  it("records a purchase in the customer's stream, with metadata valid for each event", async () => {
    const { customerId } = await subscriber(10, false);
    expect(await systemNames(customerId)).toEqual(
      expect.arrayContaining([
        "benefit.granted",
        "customer.created",
        "meter.credited",
        "order.paid",
        "subscription.created",
      ]),
    );
    const [paid] = (await polar.events.list({ customer_id: customerId, name: "order.paid" })).items;
    expect(paid).toMatchObject({ source: "system", metadata: { amount: 1000, currency: "usd" } });
    const [credited] = (await polar.events.list({ customer_id: customerId, name: "meter.credited" })).items;
    expect(credited?.metadata).toEqual({ meter_id: meter.id, units: 10, rollover: false });
  });

  it("keeps system events out of meters: only the customer's own events are consumed", async () => {
    const { customerId, external } = await subscriber(10, false);
    await use(external, 3);
    expect(await balance(customerId)).toMatchObject({ consumed_units: 3, credited_units: 10, balance: 7 });
  });
});

describe("customer meters across cycles", () => {
  it("resets consumption and credits anew at each renewal", async () => {
    const { customerId, external } = await subscriber(10, false);
    await use(external, 4);
    emu.advanceClock(32 * DAY);
    expect(await balance(customerId)).toMatchObject({ consumed_units: 0, credited_units: 10, balance: 10 });
    expect(await systemNames(customerId)).toEqual(expect.arrayContaining(["benefit.cycled", "meter.reset"]));
    await use(external, 2);
    expect(await balance(customerId)).toMatchObject({ consumed_units: 2, balance: 8 });
  });

  it("carries the unused balance over when the credits roll over", async () => {
    const { customerId, external } = await subscriber(10, true);
    await use(external, 3);
    emu.advanceClock(32 * DAY);
    expect(await balance(customerId)).toMatchObject({ consumed_units: 0, credited_units: 17, balance: 17 });
  });

  it("does not carry an overdraft over", async () => {
    const { customerId, external } = await subscriber(2, true);
    await use(external, 5);
    expect(await balance(customerId)).toMatchObject({ balance: -3 });
    emu.advanceClock(32 * DAY);
    expect(await balance(customerId)).toMatchObject({ consumed_units: 0, credited_units: 2, balance: 2 });
  });
});
