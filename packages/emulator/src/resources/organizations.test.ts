import { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../test/harness";

const { emu, polar } = await useEmulator();

describe("organizations", () => {
  it("gets, lists and updates the token's organization", async () => {
    const org = await polar.organizations.get(emu.organizationId);
    expect(org).toMatchObject({ id: emu.organizationId, slug: "acme", status: "active" });
    const page = await polar.organizations.listOrganizations();
    expect(page.items.map((o) => o.id)).toEqual([emu.organizationId]);
    expect(page.pagination).toEqual({ total_count: 1, max_page: 1 });
    const updated = await polar.organizations.update(emu.organizationId, { name: "Acme Renamed" });
    expect(updated.name).toBe("Acme Renamed");
    expect(updated.modified_at).not.toBeNull();
  });

  it("reads null in an update as a clear only where the API shows null", async () => {
    const path = `/v1/organizations/${emu.organizationId}`;
    const before = (await call(emu, "GET", path)).body;
    const res = await call(emu, "PATCH", path, {
      body: {
        name: null,
        email: null,
        default_tax_behavior: null,
        subscription_settings: { ...before.subscription_settings, allow_multiple_subscriptions: true },
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: before.name,
      email: null,
      default_tax_behavior: before.default_tax_behavior,
    });
    expect(res.body.subscription_settings).toEqual({
      ...before.subscription_settings,
      allow_multiple_subscriptions: true,
    });
    // Objects embedding the organization still match the spec.
    expect((await call(emu, "GET", "/v1/products/")).status).toBe(200);
  });

  it("answers 404 for another organization's id", async () => {
    const error = await polar.organizations.get("00000000-0000-4000-8000-000000000000").catch((e) => e);
    expect(error).toBeInstanceOf(PolarApiError);
    expect((error as PolarApiError).status).toBe(404);
    expect((error as PolarApiError).body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
  });
});

describe("the API's conventions", () => {
  it("refuses a missing token with 401 and an unknown one with invalid_token", async () => {
    const anonymous = await call(emu, "GET", "/v1/products/", { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: "Unauthorized", detail: "Unauthorized" });
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const unknown = await call(emu, "GET", "/v1/products/", { token: "polar_oat_nope" });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe("invalid_token");
    const garbage = await call(emu, "GET", "/v1/products/", { token: "not-a-polar-token" });
    expect(garbage.status).toBe(401);
  });

  it("validates bodies and query parameters with 422 issues", async () => {
    const bad = await call(emu, "PATCH", `/v1/organizations/${emu.organizationId}`, { body: { name: 42 } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ["body", "name"], type: "string_type" });
    const malformed = await call(emu, "PATCH", `/v1/organizations/${emu.organizationId}`, { body: "{oops" });
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0]).toMatchObject({ loc: ["body", 0], type: "json_invalid" });
    const page = await call(emu, "GET", "/v1/organizations/?page=0");
    expect(page.status).toBe(422);
    expect(page.body.detail[0].loc).toEqual(["query", "page"]);
  });

  it("answers an unknown route or Polar-Version with the plain 404", async () => {
    expect((await call(emu, "GET", "/v1/nothing-here")).body).toEqual({ detail: "Not Found" });
    const version = await call(emu, "GET", `/v1/organizations/${emu.organizationId}`, {
      headers: { "polar-version": "1999-01" },
    });
    expect(version.status).toBe(404);
    expect(version.body).toEqual({ detail: "Not Found" });
  });

  it("accepts collection routes with and without the trailing slash", async () => {
    expect((await call(emu, "GET", "/v1/organizations")).status).toBe(200);
    expect((await call(emu, "GET", "/v1/organizations/")).status).toBe(200);
  });
});
