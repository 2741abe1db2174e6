import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";

const { emu } = await useEmulator();

async function personalToken(scopes?: string[]): Promise<string> {
  const res = await call(emu, "POST", "/__emulator/tokens", { token: null, body: { kind: "personal", scopes } });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ kind: "personal", organization_id: emu.organizationId });
  expect(res.body.token).toMatch(/^polar_pat_/);
  return res.body.token;
}

describe("organizations:create", () => {
  it("lets a user create a second organization, which their token then reads", async () => {
    const token = await personalToken();
    const res = await call(emu, "POST", "/v1/organizations/", {
      token,
      body: { name: "Second Shop", slug: "second-shop", feature_settings: { issue_funding_enabled: true } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ name: "Second Shop", slug: "second-shop", status: "created" });
    expect(res.body.id).not.toBe(emu.organizationId);
    const mine = await call(emu, "GET", "/v1/organizations/", { token });
    expect(mine.body.items.map((o: { slug: string }) => o.slug)).toEqual(["acme", "second-shop"]);
    expect((await call(emu, "GET", `/v1/organizations/${res.body.id}`, { token })).status).toBe(200);
    // The first organization's access token does not reach the new one.
    expect((await call(emu, "GET", `/v1/organizations/${res.body.id}`)).status).toBe(404);
    const listed = await call(emu, "GET", "/v1/organizations/");
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual([emu.organizationId]);
  });

  it("is refused to an organization token (401) and to a user without organizations:write (403)", async () => {
    const byOrganization = await call(emu, "POST", "/v1/organizations/", { body: { name: "Nope", slug: "nope-org" } });
    expect(byOrganization.status).toBe(401);
    const reader = await personalToken(["organizations:read"]);
    const byReader = await call(emu, "POST", "/v1/organizations/", {
      token: reader,
      body: { name: "Nope", slug: "nope-org" },
    });
    expect(byReader.status).toBe(403);
    expect((await call(emu, "GET", "/v1/organizations/?slug=nope-org", { token: reader })).body.items).toEqual([]);
  });

  it("refuses a taken slug and invalid bodies with 422", async () => {
    const token = await personalToken();
    const taken = await call(emu, "POST", "/v1/organizations/", { token, body: { name: "Acme again", slug: "acme" } });
    expect(taken.status).toBe(422);
    expect(taken.body.detail[0]).toMatchObject({
      loc: ["body", "slug"],
      msg: "An organization with this slug already exists.",
    });
    for (const body of [
      {},
      { name: "ab", slug: "valid-slug" },
      { name: "Valid", slug: "x" },
      { name: 3, slug: "ok-slug" },
    ]) {
      const res = await call(emu, "POST", "/v1/organizations/", { token, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const bad = await call(emu, "POST", "/__emulator/tokens", { token: null, body: { kind: "root" } });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["body", "kind"]);
  });
});
