import { describe, expect, it } from "vitest";
import { MAX_FILTER_CLAUSES } from "../src/resources/usage/filter";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();
const clauses = (n: number) =>
  Array.from({ length: n }, () => ({ property: "metadata.a", operator: "eq", value: "x" }));
const day = "start_timestamp=2026-01-01T00:00:00Z&end_timestamp=2026-01-02T00:00:00Z&interval=day";

describe("meter filters", () => {
  it("query events and quantities of a filter as wide as allowed (SQLite nests at most 1,000 deep)", async () => {
    for (const conjunction of ["and", "or"]) {
      const meter = await call(emu, "POST", "/v1/meters/", {
        body: {
          name: `Wide ${conjunction}`,
          filter: { conjunction, clauses: clauses(MAX_FILTER_CLAUSES) },
          aggregation: { func: "count" },
        },
      });
      expect(meter.status).toBe(201);
      expect((await call(emu, "GET", `/v1/events/?meter_id=${meter.body.id}`)).status).toBe(200);
      expect((await call(emu, "GET", `/v1/meters/${meter.body.id}/quantities?${day}`)).status).toBe(200);
    }
  });

  it("refuses a filter wider than that with a 422, on create and on update", async () => {
    const body = { name: "Too wide", filter: { conjunction: "and", clauses: clauses(MAX_FILTER_CLAUSES + 1) } };
    const created = await call(emu, "POST", "/v1/meters/", { body: { ...body, aggregation: { func: "count" } } });
    expect(created.status).toBe(422);
    expect(created.body.detail[0]).toMatchObject({ loc: ["body", "filter"], type: "too_long" });
    const meter = await call(emu, "POST", "/v1/meters/", {
      body: { name: "Narrow", filter: { conjunction: "and", clauses: clauses(1) }, aggregation: { func: "count" } },
    });
    const updated = await call(emu, "PATCH", `/v1/meters/${meter.body.id}`, { body: { filter: body.filter } });
    expect(updated.status).toBe(422);
  });
});
