import { describe, expect, it } from "vitest";
import { parseQuery } from "./query";
import { loadSpec } from "./spec";

const op = (id: string) => {
  const found = loadSpec().operations.get(id);
  if (!found) throw new Error(id);
  return found;
};

describe("parseQuery", () => {
  it("keeps false as false for boolean | null filters", () => {
    const { query, issues } = parseQuery(op("products:list"), new URL("http://x/v1/products/?is_archived=false"));
    expect(issues).toEqual([]);
    expect(query.is_archived).toBe(false);
  });

  it("coerces numbers, repeats keys into lists, reads metadata[key] and fills defaults", () => {
    const [a, b] = ["8b6f1d6e-0d43-4a8e-9d1e-6f0c2b1f5a10", "2c1e7a9d-5b3f-4c2a-8e6d-9a0b1c2d3e4f"];
    const url = new URL(`http://x/v1/products/?limit=5&id=${a}&id=${b}&metadata[plan]=pro&metadata[plan]=team`);
    const { query, issues } = parseQuery(op("products:list"), url);
    expect(issues).toEqual([]);
    expect(query).toMatchObject({ limit: 5, page: 1, id: [a, b], metadata: { plan: ["pro", "team"] } });
  });

  it("reports a bad value with the query location", () => {
    const { issues } = parseQuery(op("products:list"), new URL("http://x/v1/products/?page=zero"));
    expect(issues[0]?.loc).toEqual(["query", "page"]);
  });
});
