import { describe, expect, it } from "vitest";
import { loadSpec } from "../src/spec";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();

// Every list an organization token may call (without path parameters) takes `page` and `limit`.
const lists = [...loadSpec().operations.values()]
  .filter((op) => op.method === "GET" && !op.path.includes("{") && op.subjects.includes("Organization"))
  .filter((op) => op.parameters.some((p) => p.name === "page") && op.parameters.some((p) => p.name === "limit"))
  .map((op) => op.path);

describe("query numbers", () => {
  it.each([
    ["page=1e309", "page", "int_parsing"],
    ["limit=1e309", "limit", "int_parsing"],
    ["page=1.5", "page", "int_parsing"],
    ["page=NaN", "page", "int_parsing"],
    ["page=-1", "page", "greater_than"],
    ["limit=0", "limit", "greater_than"],
  ])("refuses %s on every paginated list with a 422", async (query, name, type) => {
    expect(lists.length).toBeGreaterThan(20);
    for (const path of lists) {
      const res = await call(emu, "GET", `${path}?${query}`);
      expect(res.status, path).toBe(422);
      expect(res.body.detail, path).toContainEqual(expect.objectContaining({ loc: ["query", name], type }));
    }
  });

  it("answers a page far past the data with an empty page", async () => {
    for (const path of lists) {
      const res = await call(emu, "GET", `${path}?page=99999999999999999999999&limit=100`);
      expect([200, 403, 422], path).toContain(res.status);
      if (res.status === 200 && Array.isArray(res.body.items)) expect(res.body.items, path).toEqual([]);
    }
  });

  it("reads prototype keys and mixed forms of one parameter as plain values", async () => {
    for (const query of [
      "metadata[__proto__]=x",
      "metadata[constructor]=x&metadata[constructor]=y",
      "metadata=x&metadata[a]=b",
    ]) {
      const res = await call(emu, "GET", `/v1/products/?${query}`);
      expect(res.status, query).toBeLessThan(500);
    }
  });

  it("answers the events depth filter with a 422 for a depth that is not an integer", async () => {
    const res = await call(emu, "GET", "/v1/events/?depth=1e2");
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ["query", "depth"], type: "int_parsing", input: "1e2" });
  });

  it("refuses an events filter nested deeper than a body may be, with a 422", async () => {
    let filter = '{"property":"name","operator":"eq","value":"x"}';
    for (let i = 0; i < 220; i++) filter = `{"conjunction":"and","clauses":[${filter}]}`;
    const res = await call(emu, "GET", `/v1/events/?filter=${encodeURIComponent(filter)}`);
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ["query", "filter"], type: "json_invalid" });
  });
});
