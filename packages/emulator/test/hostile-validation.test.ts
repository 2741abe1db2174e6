import { describe, expect, it } from "vitest";
import { MAX_ECHO_CHARS, MAX_ISSUES } from "../src/validate";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();

/** POSTs JSON text; a hang fails the test in seconds instead of minutes. */
async function post(path: string, body: string) {
  const started = performance.now();
  const res = await fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${emu.accessToken}`, "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: await res.json(), ms: performance.now() - started };
}

describe("request validation", () => {
  it("answers 10,000 invalid prices in well under a second, with a bounded issue list", async () => {
    // The first request of an operation compiles its validator: not what is measured here.
    await post("/v1/products/", JSON.stringify({ name: "One", prices: [{}] }));
    const res = await post("/v1/products/", JSON.stringify({ name: "Many", prices: Array(10_000).fill({}) }));
    console.info(`[hostile-validation] 10,000 prices answered ${res.status} in ${res.ms.toFixed(0)} ms`);
    expect(res.status).toBe(422);
    expect(res.ms).toBeLessThan(1000);
    expect(res.body.detail.length).toBeGreaterThan(0);
    expect(res.body.detail.length).toBeLessThanOrEqual(MAX_ISSUES);
    for (const issue of res.body.detail)
      expect(Object.keys(issue)).toEqual(expect.arrayContaining(["loc", "msg", "type"]));
  });

  it("still lists every issue of a small body", async () => {
    const res = await post("/v1/products/", JSON.stringify({ prices: [{ amount_type: "fixed" }] }));
    expect(res.status).toBe(422);
    const locs = res.body.detail.map((issue: { loc: unknown[] }) => issue.loc.join("."));
    expect(locs).toEqual(expect.arrayContaining(["body.name", "body.prices.0.price_amount"]));
  });

  it("does not echo a huge input back", async () => {
    const long = "x".repeat(1_000_000);
    const res = await post("/v1/customers/", JSON.stringify({ email: 5, name: long, metadata: { [long]: long } }));
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body).length).toBeLessThan(20 * MAX_ECHO_CHARS);
    // The emulator answers other requests meanwhile and after.
    expect((await call(emu, "GET", "/v1/customers/")).status).toBe(200);
  });
});
