import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { bulkInsertEvents } from "../src/resources/usage";
import { call, useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );

const alice = await polar.customers.create({ email: "alice@example.com", external_id: "alice" } as never);
const bob = await polar.customers.create({ email: "bob@example.com", external_id: "bob" } as never);

// Three days of events at fixed times, stored straight in the events table.
const day = (d: number, hour = 12) => Date.UTC(2025, 0, d, hour);
bulkInsertEvents(emu.state.db, [
  {
    organization_id: emu.organizationId,
    customer_id: alice.id,
    external_customer_id: null,
    name: "llm",
    timestamp: day(1),
    metadata: { tokens: 10, model: "gpt-4o", premium: true },
  },
  {
    organization_id: emu.organizationId,
    customer_id: alice.id,
    external_customer_id: null,
    name: "llm",
    timestamp: day(1, 18),
    metadata: { tokens: 30, model: "gpt-4o-mini", premium: false },
  },
  {
    organization_id: emu.organizationId,
    customer_id: null,
    external_customer_id: "alice",
    name: "llm",
    timestamp: day(2),
    metadata: { tokens: 5, model: "claude" },
  },
  {
    organization_id: emu.organizationId,
    customer_id: bob.id,
    external_customer_id: null,
    name: "llm",
    timestamp: day(3),
    metadata: { tokens: 100, model: "gpt-4o" },
  },
  {
    organization_id: emu.organizationId,
    customer_id: bob.id,
    external_customer_id: null,
    name: "other",
    timestamp: day(3),
    metadata: { tokens: 1000 },
  },
  {
    organization_id: emu.organizationId,
    customer_id: bob.id,
    external_customer_id: null,
    name: "llm",
    timestamp: day(3),
    metadata: { tokens: "lots" },
  },
]);

const llm = { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm" }] } as const;
const range = {
  start_timestamp: "2025-01-01T00:00:00Z",
  end_timestamp: "2025-01-03T23:59:59Z",
  interval: "day",
} as const;

async function meter(aggregation: Record<string, unknown>, filter: Record<string, unknown> = llm) {
  return polar.meters.create({ name: `Meter ${crypto.randomUUID().slice(0, 6)}`, filter, aggregation } as never);
}
const quantities = async (id: string, extra: Record<string, unknown> = {}) =>
  polar.meters.quantities(id, { ...range, ...extra } as never);

describe("meters", () => {
  it("creates, lists, gets, updates and archives", async () => {
    const created = await meter({ func: "count" });
    expect(created).toMatchObject({ unit: "scalar", aggregation: { func: "count" }, archived_at: null });
    expect((await polar.meters.get(created.id)).id).toBe(created.id);
    const archived = await polar.meters.update(created.id, { is_archived: true, name: "Renamed meter" });
    expect(archived.name).toBe("Renamed meter");
    expect(archived.archived_at).not.toBeNull();
    expect((await polar.meters.list({ is_archived: true })).items.map((m) => m.id)).toContain(created.id);
    expect((await polar.meters.list({ is_archived: false })).items.map((m) => m.id)).not.toContain(created.id);
    expect((await failure(polar.meters.get(crypto.randomUUID()))).status).toBe(404);
  });

  it("counts and sums per day", async () => {
    const count = await quantities((await meter({ func: "count" })).id);
    expect(count.quantities).toEqual([
      { timestamp: "2025-01-01T00:00:00.000+00:00", quantity: 2 },
      { timestamp: "2025-01-02T00:00:00.000+00:00", quantity: 1 },
      { timestamp: "2025-01-03T00:00:00.000+00:00", quantity: 2 },
    ]);
    expect(count.total).toBe(5);
    // A non-numeric property is left out of sums.
    const sum = await quantities((await meter({ func: "sum", property: "tokens" })).id);
    expect(sum.quantities.map((q) => q.quantity)).toEqual([40, 5, 100]);
    expect(sum.total).toBe(145);
  });

  it("computes max, min, avg and unique", async () => {
    expect((await quantities((await meter({ func: "max", property: "tokens" })).id)).total).toBe(100);
    expect((await quantities((await meter({ func: "min", property: "metadata.tokens" })).id)).total).toBe(5);
    const avg = await quantities((await meter({ func: "avg", property: "tokens" })).id, { interval: "month" });
    expect(avg.quantities).toEqual([{ timestamp: "2025-01-01T00:00:00.000+00:00", quantity: 36.25 }]);
    expect((await quantities((await meter({ func: "unique", property: "model" })).id)).total).toBe(3);
  });

  it("applies filter clauses on metadata with and/or", async () => {
    const filter = {
      conjunction: "and",
      clauses: [
        { property: "name", operator: "eq", value: "llm" },
        {
          conjunction: "or",
          clauses: [
            { property: "model", operator: "like", value: "mini" },
            { property: "tokens", operator: "gt", value: 50 },
          ],
        },
      ],
    };
    expect((await quantities((await meter({ func: "count" }, filter)).id)).total).toBe(2);
    const notGpt = { conjunction: "and", clauses: [{ property: "model", operator: "not_like", value: "gpt" }] };
    expect((await quantities((await meter({ func: "count" }, notGpt)).id)).total).toBe(1);
    const premium = { conjunction: "and", clauses: [{ property: "premium", operator: "eq", value: true }] };
    expect((await quantities((await meter({ func: "count" }, premium)).id)).total).toBe(1);
    const notEq = { conjunction: "and", clauses: [{ property: "model", operator: "ne", value: "gpt-4o" }] };
    expect((await quantities((await meter({ func: "count" }, notEq)).id)).total).toBe(2);
  });

  it("filters quantities by customer (id or external id) and aggregates per customer", async () => {
    const sum = await meter({ func: "sum", property: "tokens" });
    expect((await quantities(sum.id, { customer_id: alice.id })).total).toBe(45);
    expect((await quantities(sum.id, { external_customer_id: "bob" })).total).toBe(100);
    const perCustomer = await quantities(sum.id, { interval: "month", customer_aggregation_function: "max" });
    expect(perCustomer.total).toBe(100);
    const hourly = await quantities(sum.id, { interval: "hour", end_timestamp: "2025-01-01T23:59:59Z" });
    expect(hourly.quantities).toHaveLength(24);
    expect(hourly.quantities[18]?.quantity).toBe(30);
  });

  it("buckets in a time zone and refuses ranges too long for the interval", async () => {
    const count = await meter({ func: "count" });
    const paris = await quantities(count.id, { timezone: "Europe/Paris" });
    expect(paris.quantities[0]?.timestamp).toBe("2024-12-31T23:00:00.000+00:00");
    expect(paris.total).toBe(5);
    const res = await call(
      emu,
      "GET",
      `/v1/meters/${count.id}/quantities?start_timestamp=2025-01-01T00:00:00Z&end_timestamp=2025-03-01T00:00:00Z&interval=hour`,
    );
    expect(res.status).toBe(422);
  });

  it("lists customer meters", async () => {
    const sum = await meter({ func: "sum", property: "tokens" });
    const page = await polar.customerMeters.list({ meter_id: sum.id });
    const byCustomer = Object.fromEntries(page.items.map((cm) => [cm.customer_id, cm]));
    expect(byCustomer[alice.id]).toMatchObject({ consumed_units: 45, credited_units: 0, balance: -45 });
    expect(byCustomer[bob.id]).toMatchObject({ consumed_units: 100 });
    const one = await polar.customerMeters.get(byCustomer[alice.id]!.id);
    expect(one.meter_id).toBe(sum.id);
  });
});
