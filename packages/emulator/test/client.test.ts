// @polar-kit/core's client against the emulator over real HTTP: the emulator's first user.
// Transport faults come from the emulator's own fault injection, not from a mock.
import { createPolar, type PolarApiError, PolarConnectionError } from "@polar-kit/core";
import { beforeEach, describe, expect, it } from "vitest";
import { useEmulator } from "./harness";

const { emu, polar } = await useEmulator({ seed: "demo" });
// Fast backoff, so retries do not slow the suite.
const emuClient = () =>
  createPolar({ baseUrl: emu.url, accessToken: emu.accessToken, backoff: { baseMs: 5, maxMs: 20 } });

async function fault(body: Record<string, unknown>) {
  const res = await fetch(`${emu.url}/__emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
}

beforeEach(async () => {
  await fetch(`${emu.url}/__emulator/faults`, { method: "DELETE" });
});

describe("client against the emulator", () => {
  it("pages through every product lazily and agrees with the first page", async () => {
    const first = await polar.products.list({ limit: 2 });
    const all = [];
    for await (const product of polar.products.list({ limit: 2 })) all.push(product.id);
    expect(all).toHaveLength(first.pagination.total_count);
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(0, 2)).toEqual(first.items.map((p) => p.id));
  });

  it("filters with repeated keys and booleans the way the API reads them", async () => {
    const { items } = await polar.products.list({ limit: 100 });
    const [a, b] = items;
    const picked = await polar.products.list({ id: [a?.id ?? "", b?.id ?? ""] });
    expect(picked.items.map((p) => p.id).sort()).toEqual([a?.id, b?.id].sort());
    const recurring = await polar.products.list({ is_recurring: false, limit: 100 });
    expect(recurring.items.every((p) => !p.is_recurring)).toBe(true);
  });

  it("maps the emulator's 404 and 422 into typed errors", async () => {
    const missing = (await polar.products.get("00000000-0000-4000-8000-000000000000").catch((e) => e)) as PolarApiError;
    expect(missing.code).toBe("not_found");
    const invalid = (await polar.checkouts.create({ products: [] }).catch((e) => e)) as PolarApiError;
    expect(invalid.code).toBe("validation_failed");
    expect(invalid.issues[0]?.loc[0]).toBe("body");
  });

  it("returns CSV exports as text", async () => {
    const csv = await polar.customers.export();
    expect(typeof csv).toBe("string");
    expect(csv.split("\n")[0]).toContain("Email");
  });

  it("waits out a 429 Retry-After and retries 503 on GET", async () => {
    const client = emuClient();
    await fault({ path: "/v1/products/", method: "GET", count: 1, kind: "429", retry_after: 0 });
    expect((await client.products.list()).items.length).toBeGreaterThan(0);
    await fault({ path: "/v1/products/", method: "GET", count: 2, kind: "503" });
    expect((await client.products.list()).items.length).toBeGreaterThan(0);
  });

  it("gives up with the 429's retryAfter when retries are off", async () => {
    await fault({ path: "/v1/products/", method: "GET", count: 1, kind: "429", retry_after: 7 });
    const error = (await emuClient()
      .products.list(undefined, { maxRetries: 0 })
      .catch((e) => e)) as PolarApiError;
    expect(error.code).toBe("rate_limited");
    expect(error.retryAfter).toBe(7);
  });

  it("retries a dropped connection on GET but not on POST", async () => {
    await fault({ path: "/v1/products/", method: "GET", count: 1, kind: "drop" });
    expect((await emuClient().products.list()).items.length).toBeGreaterThan(0);
    await fault({ path: "/v1/checkouts/", method: "POST", count: 1, kind: "drop" });
    const { items } = await polar.products.list({ limit: 1 });
    const error = await emuClient()
      .checkouts.create({ products: [items[0]?.id ?? ""] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PolarConnectionError);
  });
});
