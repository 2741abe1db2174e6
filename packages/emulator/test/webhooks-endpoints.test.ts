import { describe, expect, it } from "vitest";
import { call, useEmulator } from "./harness";
import { otherOrganization } from "./webhooks-support";

const { emu, polar } = await useEmulator();

const create = (body: Record<string, unknown> = {}, token?: string) =>
  call(emu, "POST", "/v1/webhooks/endpoints", {
    body: { url: "https://example.com/hook", format: "raw", events: ["order.paid"], ...body },
    token,
  });

describe("webhook endpoints", () => {
  it("creates, gets, lists, updates, resets the secret of and deletes an endpoint", async () => {
    const created = await polar.webhooks.createWebhookEndpoint({
      url: "https://example.com/hook",
      format: "raw",
      events: ["order.paid", "order.paid", "checkout.created"],
      name: "main",
    });
    expect(created).toMatchObject({
      url: "https://example.com/hook",
      format: "raw",
      name: "main",
      enabled: true,
      organization_id: emu.organizationId,
      events: ["order.paid", "checkout.created"],
      modified_at: null,
    });
    expect(created.secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
    expect(await polar.webhooks.getWebhookEndpoint(created.id)).toEqual(created);
    const page = await polar.webhooks.listWebhookEndpoints({ organization_id: emu.organizationId, limit: 100 });
    expect(page.items.map((e) => e.id)).toContain(created.id);

    const updated = await polar.webhooks.updateWebhookEndpoint(created.id, {
      url: "http://localhost:3000/api/webhooks",
      events: ["subscription.created"],
      enabled: false,
      format: "slack",
    });
    expect(updated).toMatchObject({
      url: "http://localhost:3000/api/webhooks",
      events: ["subscription.created"],
      enabled: false,
      format: "slack",
      name: "main",
      secret: created.secret,
    });
    expect(updated.modified_at).not.toBeNull();
    // `null` leaves a field alone, except the name, which it clears.
    const cleared = await polar.webhooks.updateWebhookEndpoint(created.id, { url: null, events: null, name: null });
    expect(cleared).toMatchObject({ url: updated.url, events: updated.events, name: null });

    const reset = await polar.webhooks.resetWebhookEndpointSecret(created.id);
    expect(reset.secret).toMatch(/^whsec_/);
    expect(reset.secret).not.toBe(created.secret);

    const removed = await call(emu, "DELETE", `/v1/webhooks/endpoints/${created.id}`);
    expect(removed.status).toBe(204);
    expect(removed.body).toBeUndefined();
    expect((await call(emu, "GET", `/v1/webhooks/endpoints/${created.id}`)).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/webhooks/endpoints/${created.id}`)).status).toBe(404);
  });

  it("keeps a secret the caller chooses", async () => {
    const res = await create({ secret: "my-app-test-secret" });
    expect(res.status).toBe(201);
    expect(res.body.secret).toBe("my-app-test-secret");
  });

  it("paginates, clamping the limit to 100", async () => {
    for (let i = 0; i < 3; i++) expect((await create()).status).toBe(201);
    const total = (await call(emu, "GET", "/v1/webhooks/endpoints?limit=1")).body.pagination.total_count;
    const second = await call(emu, "GET", "/v1/webhooks/endpoints?limit=1&page=2");
    expect(second.body.items).toHaveLength(1);
    expect(second.body.pagination).toEqual({ total_count: total, max_page: total });
    const clamped = await call(emu, "GET", "/v1/webhooks/endpoints?limit=1000");
    expect(clamped.status).toBe(200);
    expect(clamped.body.pagination.max_page).toBe(Math.ceil(total / 100));
  });
});

describe("webhook endpoints: hostile input", () => {
  it.each([
    ["a missing url", { url: undefined }, ["body", "url"]],
    ["a url that is not a URI", { url: "not a url" }, ["body", "url"]],
    ["a url with another scheme", { url: "ftp://example.com/hook" }, ["body", "url"]],
    ["a javascript: url", { url: "javascript:alert(1)" }, ["body", "url"]],
    ["an oversized url", { url: `https://example.com/${"a".repeat(2100)}` }, ["body", "url"]],
    ["a url of the wrong type", { url: 42 }, ["body", "url"]],
    ["events that are not a list", { events: "order.paid" }, ["body", "events"]],
    ["an unknown event type", { events: ["order.exploded"] }, ["body", "events", 0]],
    ["an unknown format", { format: "xml" }, ["body", "format"]],
    ["a secret of the wrong type", { secret: 12345 }, ["body", "secret"]],
    ["an empty secret", { secret: "  " }, ["body", "secret"]],
    ["an oversized secret", { secret: "s".repeat(10_000) }, ["body", "secret"]],
  ])("refuses %s with a 422", async (_name, fields, loc) => {
    const res = await create(fields);
    expect(res.status).toBe(422);
    expect(res.body.detail.map((issue: { loc: unknown }) => issue.loc)).toContainEqual(loc);
  });

  it("refuses an organization_id with an organization token", async () => {
    const res = await create({ organization_id: emu.organizationId });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ["body", "organization_id"], type: "organization_token" });
  });

  it("refuses a body that is not JSON or not an object", async () => {
    expect((await call(emu, "POST", "/v1/webhooks/endpoints", { body: "{" })).status).toBe(422);
    expect((await call(emu, "POST", "/v1/webhooks/endpoints", { body: [] })).status).toBe(422);
    const update = await call(emu, "PATCH", `/v1/webhooks/endpoints/${(await create()).body.id}`, {
      body: { enabled: "yes" },
    });
    expect(update.status).toBe(422);
    expect(update.body.detail[0].loc).toEqual(["body", "enabled"]);
  });

  it("answers 404 for unknown ids and 422 for malformed ones, as the API does", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await call(emu, "GET", `/v1/webhooks/endpoints/${unknown}`)).status).toBe(404);
    expect((await call(emu, "PATCH", `/v1/webhooks/endpoints/${unknown}/secret`)).status).toBe(404);
    for (const id of ["not-a-uuid", "..%2F..%2Fetc", "1' OR '1'='1"]) {
      const res = await call(emu, "GET", `/v1/webhooks/endpoints/${encodeURIComponent(id)}`);
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(["path", "id"]);
      expect((await call(emu, "PATCH", `/v1/webhooks/endpoints/${encodeURIComponent(id)}/secret`)).status).toBe(422);
    }
  });

  it("needs a token with a webhooks scope", async () => {
    expect((await call(emu, "GET", "/v1/webhooks/endpoints", { token: null })).status).toBe(401);
    const readOnly = otherOrganization(emu, ["webhooks:read"]);
    expect((await call(emu, "GET", "/v1/webhooks/endpoints", { token: readOnly.token })).status).toBe(200);
    const refused = await create({}, readOnly.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("insufficient_scope");
    const none = otherOrganization(emu, ["products:read"]);
    expect((await call(emu, "GET", "/v1/webhooks/endpoints", { token: none.token })).status).toBe(403);
  });
});

describe("webhook endpoints: organization isolation", () => {
  it("hides another organization's endpoints behind 404s and empty lists", async () => {
    const mine = (await create()).body;
    const other = otherOrganization(emu);
    const theirs = (await create({}, other.token)).body;
    expect(theirs.organization_id).toBe(other.organizationId);

    for (const [method, path, body] of [
      ["GET", `/v1/webhooks/endpoints/${theirs.id}`, undefined],
      ["PATCH", `/v1/webhooks/endpoints/${theirs.id}`, { enabled: false }],
      ["PATCH", `/v1/webhooks/endpoints/${theirs.id}/secret`, undefined],
      ["DELETE", `/v1/webhooks/endpoints/${theirs.id}`, undefined],
    ] as const) {
      const res = await call(emu, method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    }
    const theirsNow = await call(emu, "GET", `/v1/webhooks/endpoints/${theirs.id}`, { token: other.token });
    expect(theirsNow.body).toEqual(theirs);

    const listed = (await call(emu, "GET", "/v1/webhooks/endpoints?limit=100")).body.items.map(
      (e: { id: string }) => e.id,
    );
    expect(listed).toContain(mine.id);
    expect(listed).not.toContain(theirs.id);
    const filtered = await call(emu, "GET", `/v1/webhooks/endpoints?organization_id=${other.organizationId}`);
    expect(filtered.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
  });
});
