import { createPolar, type PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";

const { emu } = await useEmulator();

async function mint(body: unknown) {
  const res = await fetch(`${emu.url}/__emulator/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe("POST /__emulator/tokens", () => {
  it("mints an organization token with exactly the scopes asked for", async () => {
    const { status, body } = await mint({ scopes: ["products:read"] });
    expect(status).toBe(201);
    expect(body.token).toMatch(/^polar_oat_/);
    expect(body.organization_id).toBe(emu.organizationId);
    const polar = createPolar({ baseUrl: emu.url, accessToken: body.token, maxRetries: 0 });
    await expect(polar.products.list()).resolves.toHaveProperty("items");
    const refused = (await polar.products
      .create({ name: "Nope", prices: [{ amount_type: "free" }] } as never)
      .catch((e) => e)) as PolarApiError;
    expect(refused.status).toBe(403);
    expect(refused.error).toBe("insufficient_scope");
  });

  it("expires tokens with a lifetime on the emulator clock", async () => {
    const { body } = await mint({ scopes: ["products:read"], expires_in_seconds: 60 });
    expect((await call(emu, "GET", "/v1/products/", { token: body.token })).status).toBe(200);
    emu.advanceClock(61_000);
    const expired = await call(emu, "GET", "/v1/products/", { token: body.token });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe("invalid_token");
  });

  it("refuses unknown scopes and bad lifetimes with 422", async () => {
    expect((await mint({ scopes: ["products:everything"] })).status).toBe(422);
    expect((await mint({ scopes: "products:read" })).status).toBe(422);
    expect((await mint({ expires_in_seconds: -5 })).status).toBe(422);
    expect((await mint({ expires_in_seconds: "soon" })).status).toBe(422);
  });
});
