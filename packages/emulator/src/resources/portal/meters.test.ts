import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { buy, oneTime, sessionOf } from "./testing";

type Meter = {
  meter_id: string;
  meter: { name: string };
  consumed_units: number;
  credited_units: number;
  balance: number;
};

const { emu, polar } = await useEmulator();

const meter = (name: string, event: string) =>
  polar.meters.create({
    name,
    filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: event }] },
    aggregation: { func: "sum", property: "units" },
  });
const calls = await meter("API calls", "api.call");
const storage = await meter("Storage", "storage.used");
const credits = await polar.benefits.create({
  type: "meter_credit",
  description: "100 calls",
  properties: { units: 100, rollover: false, meter_id: calls.id },
});
const starter = await oneTime(polar, "Starter", 1000, [credits.id]);
const finnId = await buy(polar, starter.id, "finn@example.com", "Finn");
const ginaId = await buy(polar, starter.id, "gina@example.com", "Gina");
await polar.events.ingest({
  events: [
    { name: "api.call", customer_id: finnId, metadata: { units: 30 } },
    { name: "api.call", customer_id: finnId, metadata: { units: 12 } },
    { name: "storage.used", customer_id: finnId, metadata: { units: 5 } },
    { name: "api.call", customer_id: ginaId, metadata: { units: 7 } },
  ],
});
const finn = await sessionOf(polar, finnId);
const gina = await sessionOf(polar, ginaId);
const list = (token: string, query = "") => call(emu, "GET", `/v1/customer-portal/meters/${query}`, { token });

describe("customer portal: meters", () => {
  it("lists the customer's meters with the Core API's consumed, credited and balance", async () => {
    const res = await list(finn.token, "?sorting=meter_name");
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: Meter) => [m.meter.name, m.consumed_units, m.credited_units, m.balance])).toEqual([
      ["API calls", 42, 100, 58],
      ["Storage", 5, 0, -5],
    ]);
    expect(res.body.items[0]).not.toHaveProperty("customer");
    const core = await polar.customerMeters.list({ customer_id: finnId, meter_id: calls.id });
    expect(core.items[0]).toMatchObject({ id: res.body.items[0].id, consumed_units: 42, balance: 58 });
  });

  it("filters by meter id and by name", async () => {
    expect((await list(finn.token, `?meter_id=${storage.id}`)).body.items.map((m: Meter) => m.meter_id)).toEqual([
      storage.id,
    ]);
    expect((await list(finn.token, "?query=api")).body.items.map((m: Meter) => m.meter.name)).toEqual(["API calls"]);
  });

  it("reads one of the customer's meters; another customer's is a 404", async () => {
    const [own] = (await list(finn.token, `?meter_id=${calls.id}`)).body.items;
    const res = await call(emu, "GET", `/v1/customer-portal/meters/${own.id}`, { token: finn.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: own.id, customer_id: finnId, meter: { id: calls.id, name: "API calls" } });
    const [ginas] = (await list(gina.token)).body.items;
    expect(ginas.consumed_units).toBe(7);
    expect((await call(emu, "GET", `/v1/customer-portal/meters/${ginas.id}`, { token: finn.token })).status).toBe(404);
  });

  it("answers 422 naming the parameter for malformed input", async () => {
    const badId = await list(finn.token, "?meter_id=nope");
    expect(badId.status).toBe(422);
    expect(badId.body.detail[0].loc.slice(0, 2)).toEqual(["query", "meter_id"]);
    const badSort = await list(finn.token, "?sorting=password");
    expect(badSort.status).toBe(422);
    expect(badSort.body.detail[0].loc[1]).toBe("sorting");
    expect((await call(emu, "GET", "/v1/customer-portal/meters/1234", { token: finn.token })).status).toBe(422);
  });

  it("refuses a call without a customer session", async () => {
    expect((await call(emu, "GET", "/v1/customer-portal/meters/", { token: null })).status).toBe(401);
  });
});
