import { describe, expect, it } from "vitest";
import { call, organizationToken, otherOrganization, useEmulator } from "../../../test/harness";

const { emu } = await useEmulator();

describe("metrics dashboards", () => {
  it("creates, lists, gets, updates and deletes a dashboard", async () => {
    const created = await call(emu, "POST", "/v1/metrics/dashboards", {
      body: { name: "Money", metrics: ["revenue", "monthly_recurring_revenue"] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Money",
      metrics: ["revenue", "monthly_recurring_revenue"],
      organization_id: emu.organizationId,
      modified_at: null,
    });
    const id = created.body.id as string;
    const list = await call(emu, "GET", "/v1/metrics/dashboards");
    expect(list.status).toBe(200);
    expect(list.body.map((d: { id: string }) => d.id)).toContain(id);
    expect((await call(emu, "GET", `/v1/metrics/dashboards/${id}`)).body).toEqual(created.body);

    const renamed = await call(emu, "PATCH", `/v1/metrics/dashboards/${id}`, { body: { name: "Cash" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Cash", metrics: ["revenue", "monthly_recurring_revenue"] });
    expect(renamed.body.modified_at).not.toBeNull();
    const remetered = await call(emu, "PATCH", `/v1/metrics/dashboards/${id}`, { body: { metrics: ["orders"] } });
    expect(remetered.body).toMatchObject({ name: "Cash", metrics: ["orders"] });

    expect((await call(emu, "DELETE", `/v1/metrics/dashboards/${id}`)).status).toBe(204);
    expect((await call(emu, "GET", `/v1/metrics/dashboards/${id}`)).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/metrics/dashboards/${id}`)).status).toBe(404);
  });

  it("refuses unknown slugs, too many metrics, a missing name and an organization_id with an organization token", async () => {
    const unknown = await call(emu, "POST", "/v1/metrics/dashboards", {
      body: { name: "X", metrics: ["revenue", "vibes"] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail[0]).toMatchObject({ loc: ["body", "metrics", 1], input: "vibes" });
    const many = await call(emu, "POST", "/v1/metrics/dashboards", {
      body: { name: "X", metrics: Array.from({ length: 11 }, () => "orders") },
    });
    expect(many.status).toBe(422);
    const nameless = await call(emu, "POST", "/v1/metrics/dashboards", { body: { metrics: [] } });
    expect(nameless.status).toBe(422);
    expect(nameless.body.detail[0].loc).toEqual(["body", "name"]);
    const empty = await call(emu, "POST", "/v1/metrics/dashboards", { body: { name: "" } });
    expect(empty.status).toBe(422);
    const org = await call(emu, "POST", "/v1/metrics/dashboards", {
      body: { name: "X", organization_id: emu.organizationId },
    });
    expect(org.status).toBe(422);
    expect(org.body.detail[0].type).toBe("organization_token");
    const malformed = await call(emu, "PATCH", "/v1/metrics/dashboards/not-a-uuid", { body: { name: "X" } });
    expect(malformed.status).toBe(422);
    const made = await call(emu, "POST", "/v1/metrics/dashboards", { body: { name: "Kept" } });
    const badUpdate = await call(emu, "PATCH", `/v1/metrics/dashboards/${made.body.id}`, {
      body: { metrics: ["nope"] },
    });
    expect(badUpdate.status).toBe(422);
    expect((await call(emu, "GET", `/v1/metrics/dashboards/${made.body.id}`)).body.metrics).toEqual([]);
  });

  it("keeps each organization's dashboards to itself", async () => {
    const mine = await call(emu, "POST", "/v1/metrics/dashboards", { body: { name: "Mine", metrics: ["orders"] } });
    const other = otherOrganization(emu);
    const theirs = await call(emu, "GET", "/v1/metrics/dashboards", { token: other.token });
    expect(theirs.body).toEqual([]);
    const id = mine.body.id as string;
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { name: "Stolen" }],
      ["DELETE", undefined],
    ] as const) {
      const res = await call(emu, method, `/v1/metrics/dashboards/${id}`, { token: other.token, body });
      expect(res.status, method).toBe(404);
    }
    expect((await call(emu, "GET", `/v1/metrics/dashboards/${id}`)).body.name).toBe("Mine");
    const filtered = await call(emu, "GET", `/v1/metrics/dashboards?organization_id=${other.organizationId}`);
    expect(filtered.body).toEqual([]);
  });

  it("reads with metrics:read and writes only with metrics:write", async () => {
    const reader = organizationToken(emu, emu.organizationId, ["metrics:read"]);
    expect((await call(emu, "GET", "/v1/metrics/dashboards", { token: reader })).status).toBe(200);
    const write = await call(emu, "POST", "/v1/metrics/dashboards", { token: reader, body: { name: "No" } });
    expect(write.status).toBe(403);
  });
});
