import { afterEach, describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";

const { emu, polar } = await useEmulator();

afterEach(async () => {
  expect((await call(emu, "DELETE", "/__emulator/faults", { token: null })).status).toBe(204);
});

const arm = (body: unknown) => call(emu, "POST", "/__emulator/faults", { body, token: null });

describe("/__emulator/clock", () => {
  it("reads and advances the emulator's clock without a token", async () => {
    const before = await call(emu, "GET", "/__emulator/clock", { token: null });
    expect(before.status).toBe(200);
    const start = Date.parse(before.body.now);
    const day = await call(emu, "POST", "/__emulator/clock", { body: { advance_seconds: 86_400 }, token: null });
    expect(day.status).toBe(200);
    expect(Date.parse(day.body.now) - start).toBeGreaterThanOrEqual(86_400_000);
    const more = await call(emu, "POST", "/__emulator/clock", { body: { advance_ms: 1500 }, token: null });
    expect(Date.parse(more.body.now) - Date.parse(day.body.now)).toBeGreaterThanOrEqual(1500);
    // New objects carry the emulator's time, not the machine's.
    const org = await polar.organizations.update(emu.organizationId, { name: "Later" });
    expect(Date.parse(org.modified_at as string)).toBeGreaterThanOrEqual(Date.parse(more.body.now));
  });

  it.each([
    ["no field", {}],
    ["both fields", { advance_seconds: 1, advance_ms: 1000 }],
    ["a negative amount", { advance_seconds: -60 }],
    ["a string", { advance_seconds: "60" }],
    ["an absurd amount", { advance_seconds: 1e15 }],
    ["not a number", { advance_ms: null }],
  ])("refuses %s with a 422", async (_name, body) => {
    const res = await call(emu, "POST", "/__emulator/clock", { body, token: null });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("PolarRequestValidationError");
    expect(res.body.detail[0].loc[0]).toBe("body");
  });

  it("refuses a body that is not a JSON object, or too large", async () => {
    for (const body of ["{", "[1]", "42", JSON.stringify({ advance_ms: 1, pad: "x".repeat(20_000) })]) {
      expect((await call(emu, "POST", "/__emulator/clock", { body, token: null })).status).toBe(422);
    }
  });
});

describe("/__emulator/faults", () => {
  it("answers the next requests on a path with 429 and Retry-After, then recovers", async () => {
    const armed = await arm({ path: "/v1/organizations/", count: 2, kind: "429", retry_after: 7 });
    expect(armed.status).toBe(201);
    expect(armed.body).toMatchObject({
      path: "/v1/organizations/",
      method: null,
      count: 2,
      kind: "429",
      retry_after: 7,
    });
    for (let i = 0; i < 2; i++) {
      // Without the trailing slash too: the API accepts both forms.
      const res = await call(emu, "GET", i ? "/v1/organizations" : "/v1/organizations/");
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(res.body).toBeUndefined();
    }
    expect((await call(emu, "GET", "/v1/organizations/")).status).toBe(200);
    expect((await call(emu, "GET", "/__emulator/faults", { token: null })).body).toEqual({ items: [] });
  });

  it("matches a method and a path pattern, and leaves other requests alone", async () => {
    await arm({ path: "/v1/organizations/{id}", method: "patch", count: 1, kind: "503" });
    expect((await call(emu, "GET", `/v1/organizations/${emu.organizationId}`)).status).toBe(200);
    expect((await call(emu, "GET", "/v1/organizations/")).status).toBe(200);
    const faulted = await call(emu, "PATCH", `/v1/organizations/${emu.organizationId}`, { body: { name: "X" } });
    expect(faulted.status).toBe(503);
    expect(faulted.body).toEqual({ detail: "Service Unavailable" });
    // The state change did not happen: the fault answered before the operation ran.
    expect((await polar.organizations.get(emu.organizationId)).name).not.toBe("X");
  });

  it("faults requests before authentication, as a proxy in front of the API would", async () => {
    await arm({ path: "/v1/webhooks/*", count: 1, kind: "503" });
    expect((await call(emu, "GET", "/v1/webhooks/endpoints", { token: null })).status).toBe(503);
    expect((await call(emu, "GET", "/v1/webhooks/endpoints", { token: null })).status).toBe(401);
  });

  it("drops the connection without an answer", async () => {
    await arm({ path: "/v1/organizations/", count: 1, kind: "drop" });
    const error = await fetch(`${emu.url}/v1/organizations/`, {
      headers: { authorization: `Bearer ${emu.accessToken}` },
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as TypeError & { cause?: { code?: string } }).cause?.code)).toMatch(
      /ECONNRESET|UND_ERR_SOCKET/,
    );
    // The server itself is fine.
    expect((await call(emu, "GET", "/v1/organizations/")).status).toBe(200);
  });

  it("lists armed faults and clears them all", async () => {
    await arm({ path: "/v1/products/", count: 3, kind: "429" });
    await arm({ path: "/v1/checkouts/", method: "POST", count: 1, kind: "drop" });
    const listed = await call(emu, "GET", "/__emulator/faults", { token: null });
    expect(listed.body.items.map((f: { path: string; count: number }) => [f.path, f.count])).toEqual([
      ["/v1/products/", 3],
      ["/v1/checkouts/", 1],
    ]);
    expect((await call(emu, "DELETE", "/__emulator/faults", { token: null })).status).toBe(204);
    expect((await call(emu, "GET", "/v1/products/")).status).not.toBe(429);
  });

  it("never faults its own routes, so faults can always be cleared", async () => {
    expect((await arm({ path: "/*", count: 5, kind: "503" })).status).toBe(201);
    expect((await call(emu, "GET", "/__emulator/clock", { token: null })).status).toBe(200);
    expect((await call(emu, "GET", "/v1/organizations/")).status).toBe(503);
  });

  it.each([
    ["a missing path", { kind: "429" }, "path"],
    ["a relative path", { path: "v1/products", kind: "429" }, "path"],
    ["an oversized path", { path: `/${"a".repeat(3000)}`, kind: "429" }, "path"],
    ["an unknown kind", { path: "/v1/products/", kind: "500" }, "kind"],
    ["a zero count", { path: "/v1/products/", kind: "429", count: 0 }, "count"],
    ["a fractional count", { path: "/v1/products/", kind: "429", count: 1.5 }, "count"],
    ["a string count", { path: "/v1/products/", kind: "429", count: "2" }, "count"],
    ["an unknown method", { path: "/v1/products/", kind: "429", method: "TRACE" }, "method"],
    ["a negative retry_after", { path: "/v1/products/", kind: "429", retry_after: -1 }, "retry_after"],
    ["a misspelt field", { path: "/v1/products/", kind: "429", retryAfter: 5 }, "retryAfter"],
  ])("refuses %s with a 422", async (_name, body, field) => {
    const res = await arm(body);
    expect(res.status).toBe(422);
    expect(res.body.detail.map((issue: { loc: unknown[] }) => issue.loc)).toContainEqual(["body", field]);
    expect((await call(emu, "GET", "/__emulator/faults", { token: null })).body.items).toEqual([]);
  });
});
