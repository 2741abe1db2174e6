import type { PolarApiError, Schema } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { type CatalogChange, onCatalogChange } from "./events";
import { recordWebhooks, secondOrganization } from "./test-support";

const { emu, polar } = await useEmulator();
const webhooks = await recordWebhooks(emu);
const other = secondOrganization(emu);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
const METER = "22222222-2222-4222-8222-222222222222";

/** An uploaded downloadable file of the emulator's organization, made through the API. */
async function downloadableFile(name = "guide.pdf"): Promise<string> {
  const bytes = Buffer.from(`contents of ${name}`);
  const upload = await polar.files.create({
    service: "downloadable",
    name,
    mime_type: "application/pdf",
    size: bytes.length,
    upload: { parts: [{ number: 1, chunk_start: 0, chunk_end: bytes.length }] },
  });
  const part = upload.upload.parts[0]!;
  const put = await fetch(part.url, { method: "PUT", body: bytes });
  await polar.files.uploaded(upload.id, {
    id: upload.upload.id,
    path: upload.upload.path,
    parts: [{ number: 1, checksum_etag: put.headers.get("etag")!, checksum_sha256_base64: null }],
  });
  return upload.id;
}

const fileId = await downloadableFile();

const creates: [string, Schema<"BenefitCreate">, Record<string, unknown>][] = [
  [
    "custom",
    { type: "custom", description: "Priority support", properties: { note: "Email us" } },
    { note: "Email us" },
  ],
  [
    "discord",
    {
      type: "discord",
      description: "Discord role",
      properties: { guild_token: "123456789", role_id: "42", kick_member: true },
    },
    { guild_id: "123456789", guild_token: "123456789", role_id: "42", kick_member: true },
  ],
  [
    "github_repository",
    {
      type: "github_repository",
      description: "Repo access",
      properties: { repository_owner: "acme", repository_name: "sdk", permission: "pull" },
    },
    { repository_owner: "acme", repository_name: "sdk", permission: "pull" },
  ],
  [
    "downloadables",
    { type: "downloadables", description: "Downloads", properties: { files: [fileId] } },
    { files: [fileId], archived: {} },
  ],
  [
    "license_keys",
    {
      type: "license_keys",
      description: "License key",
      properties: {
        prefix: "ACME",
        expires: { ttl: 1, timeframe: "year" },
        activations: { limit: 3, enable_customer_admin: true },
      },
    },
    {
      prefix: "ACME",
      expires: { ttl: 1, timeframe: "year" },
      activations: { limit: 3, enable_customer_admin: true },
      limit_usage: null,
    },
  ],
  [
    "meter_credit",
    { type: "meter_credit", description: "API credits", properties: { units: 1000, rollover: true, meter_id: METER } },
    { units: 1000, rollover: true, meter_id: METER },
  ],
  ["feature_flag", { type: "feature_flag", description: "Beta features", properties: {} }, {}],
  [
    "slack_shared_channel",
    {
      type: "slack_shared_channel",
      description: "Shared Slack",
      properties: { slack_integration_id: METER, channel_name_template: "acme-{customer}" },
    },
    {
      slack_integration_id: METER,
      channel_name_template: "acme-{customer}",
      private: true,
      welcome_message: null,
      archive_on_revoke: true,
      team_invitees: [],
    },
  ],
];

describe("benefits:create", () => {
  it.each(creates)("creates a %s benefit", async (type, body, properties) => {
    const benefit = await polar.benefits.create(body);
    expect(benefit).toMatchObject({
      type,
      description: body.description,
      selectable: true,
      deletable: true,
      is_deleted: false,
      organization_id: emu.organizationId,
      metadata: {},
      properties,
    });
    expect(await polar.benefits.get(benefit.id)).toEqual(benefit);
    expect(webhooks("benefit.created").map((e) => e.data.id)).toContain(benefit.id);
  });

  it("resolves the visibility the way the API does", async () => {
    const create = (body: Record<string, unknown>) => polar.benefits.create(body as never);
    expect(await create({ type: "feature_flag", description: "Flag", properties: {} })).toMatchObject({
      visibility: "private",
      visibility_configurable: true,
    });
    expect(await create({ type: "custom", description: "Custom", properties: {}, visibility: "draft" })).toMatchObject({
      visibility: "draft",
    });
    // Interactive benefits are always shown to the customer.
    expect(
      await create({
        type: "github_repository",
        description: "Repo",
        visibility: "private",
        properties: { repository_owner: "a", repository_name: "b", permission: "push" },
      }),
    ).toMatchObject({ visibility: "public", visibility_configurable: false });
  });

  it("reads the guild id out of a signed Discord guild token", async () => {
    const token = `x.${Buffer.from(JSON.stringify({ guild_id: "987" })).toString("base64url")}.sig`;
    const benefit = await polar.benefits.create({
      type: "discord",
      description: "Signed guild",
      properties: { guild_token: token, role_id: "1", kick_member: false },
    });
    expect(benefit.properties).toMatchObject({ guild_id: "987", guild_token: token });
  });

  it.each([
    [
      "a file of no one",
      { type: "downloadables", description: "Files", properties: { files: [UNKNOWN] } },
      ["body", "properties", "files", 0],
      "File not found.",
    ],
    [
      "a meter of another organization",
      {
        type: "meter_credit",
        description: "Credits",
        properties: { units: 5, rollover: false, meter_id: "OTHER_METER" },
      },
      ["body", "properties", "meter_id"],
      "Meter does not exist.",
    ],
    [
      "organization_id with an organization token",
      { type: "custom", description: "Nope", properties: {}, organization_id: UNKNOWN },
      ["body", "organization_id"],
      "Setting organization_id is disallowed when using an organization token.",
    ],
  ])("refuses %s", async (_case, body, loc, msg) => {
    const foreignMeter = "33333333-3333-4333-8333-333333333333";
    emu.state.store.insert("meter", { id: foreignMeter, name: "Their meter", organization_id: other.organizationId });
    const payload = JSON.parse(JSON.stringify(body).replace("OTHER_METER", foreignMeter));
    const res = await call(emu, "POST", "/v1/benefits/", { body: payload });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContainEqual(expect.objectContaining({ loc, msg }));
    emu.state.store.remove("meter", foreignMeter);
  });

  it("refuses malformed and hostile input", async () => {
    const cases: unknown[] = [
      { type: "custom", description: "ab", properties: {} },
      { type: "custom", description: "x".repeat(43), properties: {} },
      { type: "teleport", description: "Unknown type", properties: {} },
      { type: "license_keys", description: "Keys", properties: { limit_usage: 0 } },
      { type: "meter_credit", description: "Credits", properties: { units: "many", rollover: true, meter_id: METER } },
      { type: "downloadables", description: "Files", properties: { files: [] } },
      { type: "discord", description: "Discord", properties: { role_id: "1" } },
      [],
    ];
    for (const body of cases) expect((await call(emu, "POST", "/v1/benefits/", { body })).status).toBe(422);
    const sqlish = await polar.benefits.create({ type: "custom", description: "' OR 1=1; --", properties: {} });
    expect((await polar.benefits.get(sqlish.id)).description).toBe("' OR 1=1; --");
  });
});

describe("benefits:update", () => {
  it("updates description, metadata, visibility and properties and announces it", async () => {
    const benefit = await polar.benefits.create({ type: "license_keys", description: "Keys v1", properties: {} });
    const changes: CatalogChange[] = [];
    const stop = onCatalogChange(emu.state, (change) => changes.push(change));
    const updated = await polar.benefits.update(benefit.id, {
      type: "license_keys",
      description: "Keys v2",
      metadata: { plan: "pro" },
      visibility: "private",
      properties: { prefix: "PRO", limit_usage: 10 },
    });
    stop();
    expect(updated).toMatchObject({
      description: "Keys v2",
      metadata: { plan: "pro" },
      visibility: "private",
      properties: { prefix: "PRO", limit_usage: 10, expires: null, activations: null },
    });
    expect(updated.modified_at).not.toBeNull();
    expect(changes).toEqual([
      expect.objectContaining({
        type: "benefit.updated",
        previous: expect.objectContaining({ description: "Keys v1" }),
      }),
    ]);
    expect(webhooks("benefit.updated").at(-1)?.data).toMatchObject({ id: benefit.id, description: "Keys v2" });
  });

  it("refreshes the benefit inside the products that grant it", async () => {
    const benefit = await polar.benefits.create({
      type: "custom",
      description: "Old text",
      properties: { note: null },
    });
    const product = await polar.products.create({
      name: "Holder",
      prices: [{ amount_type: "fixed", price_amount: 1000 }],
    });
    await polar.products.updateBenefits(product.id, { benefits: [benefit.id] });
    await polar.benefits.update(benefit.id, { type: "custom", description: "New text" });
    expect((await polar.products.get(product.id)).benefits[0]).toMatchObject({ description: "New text" });
  });

  it("refuses a type change and invalid properties", async () => {
    const benefit = await polar.benefits.create({ type: "custom", description: "Fixed type", properties: {} });
    const typeChange = await call(emu, "PATCH", `/v1/benefits/${benefit.id}`, {
      body: { type: "feature_flag", description: "Now a flag" },
    });
    expect(typeChange.status).toBe(422);
    expect(typeChange.body.detail[0]).toMatchObject({ loc: ["body", "type"], msg: "Benefit type cannot be changed." });
    expect((await call(emu, "PATCH", `/v1/benefits/${benefit.id}`, { body: { description: "No type" } })).status).toBe(
      422,
    );
    const downloads = await polar.benefits.create({
      type: "downloadables",
      description: "Files",
      properties: { files: [fileId] },
    });
    const badFiles = await call(emu, "PATCH", `/v1/benefits/${downloads.id}`, {
      body: { type: "downloadables", properties: { files: [UNKNOWN] } },
    });
    expect(badFiles.body.detail[0]).toMatchObject({ loc: ["body", "properties", "files", 0], msg: "File not found." });
  });
});

describe("benefits:delete", () => {
  it("soft-deletes, detaches from products and announces benefit.updated", async () => {
    const benefit = await polar.benefits.create({ type: "custom", description: "Short lived", properties: {} });
    const product = await polar.products.create({
      name: "Carrier",
      prices: [{ amount_type: "fixed", price_amount: 1000 }],
    });
    await polar.products.updateBenefits(product.id, { benefits: [benefit.id] });
    const changes: CatalogChange[] = [];
    const stop = onCatalogChange(emu.state, (change) => changes.push(change));
    const res = await call(emu, "DELETE", `/v1/benefits/${benefit.id}`);
    stop();
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await failure(polar.benefits.get(benefit.id))).status).toBe(404);
    expect((await polar.products.get(product.id)).benefits).toEqual([]);
    expect(webhooks("benefit.updated").at(-1)?.data).toMatchObject({ id: benefit.id, is_deleted: true });
    expect(changes.map((c) => c.type)).toEqual(["benefit.deleted"]);
    expect((await call(emu, "DELETE", `/v1/benefits/${benefit.id}`)).status).toBe(404);
    expect((await polar.benefits.list({ id: benefit.id })).items).toEqual([]);
  });
});

describe("benefits:list", async () => {
  const tag = `b-${Date.now()}`;
  const one = await polar.benefits.create({
    type: "custom",
    description: "Zeta perk",
    properties: {},
    metadata: { tag },
  });
  const two = await polar.benefits.create({
    type: "feature_flag",
    description: "Alpha flag",
    properties: {},
    metadata: { tag },
  });
  const three = await polar.benefits.create({
    type: "custom",
    description: "Mid perk",
    properties: {},
    metadata: { tag },
  });
  const ids = async (query: Record<string, unknown>) =>
    (await polar.benefits.list({ metadata: { tag }, ...query } as never)).items.map((b) => b.id);

  it("filters by type, id, excluded id, text and metadata", async () => {
    expect(await ids({})).toEqual([three.id, two.id, one.id]);
    expect(await ids({ type: "feature_flag" })).toEqual([two.id]);
    expect(await ids({ type: ["custom"], exclude_id: three.id })).toEqual([one.id]);
    expect(await ids({ query: "PERK" })).toEqual([three.id, one.id]);
    expect(await ids({ organization_id: other.organizationId })).toEqual([]);
  });

  it("sorts by description, type and the order of the id filter", async () => {
    expect(await ids({ sorting: ["description"] })).toEqual([two.id, three.id, one.id]);
    expect(await ids({ sorting: ["-type", "description"] })).toEqual([two.id, three.id, one.id]);
    expect(await ids({ id: [one.id, three.id, two.id], sorting: ["user_order"] })).toEqual([one.id, three.id, two.id]);
  });

  it("pages and refuses bad query values", async () => {
    const page = await polar.benefits.list({ metadata: { tag }, limit: 1, page: 3 });
    expect(page.items.map((b) => b.id)).toEqual([one.id]);
    expect(page.pagination).toEqual({ total_count: 3, max_page: 3 });
    expect((await call(emu, "GET", "/v1/benefits/?type=teleport")).status).toBe(422);
    expect((await call(emu, "GET", "/v1/benefits/?id=not-a-uuid")).status).toBe(422);
    expect((await call(emu, "GET", "/v1/benefits/?limit=-1")).status).toBe(422);
  });
});

describe("benefits:files", () => {
  it("lists the files of a downloadables benefit with download statistics", async () => {
    const second = await downloadableFile("second.pdf");
    const benefit = await polar.benefits.create({
      type: "downloadables",
      description: "Two files",
      properties: { files: [second, fileId] },
    });
    const page = await polar.benefits.files(benefit.id);
    expect(page.items.map((f) => [f.id, f.downloads, f.downloaders, f.is_uploaded])).toEqual([
      [second, 0, 0, true],
      [fileId, 0, 0, true],
    ]);
    const custom = await polar.benefits.create({ type: "custom", description: "No files", properties: {} });
    expect((await failure(polar.benefits.files(custom.id))).status).toBe(404);
  });
});

describe("organization isolation", () => {
  it("hides benefits from another organization's token", async () => {
    const benefit = await polar.benefits.create({ type: "custom", description: "Ours", properties: {} });
    expect((await failure(other.polar.benefits.get(benefit.id))).status).toBe(404);
    expect(
      (await failure(other.polar.benefits.update(benefit.id, { type: "custom", description: "Theirs" }))).status,
    ).toBe(404);
    expect((await call(emu, "DELETE", `/v1/benefits/${benefit.id}`, { token: other.token })).status).toBe(404);
    expect((await failure(other.polar.benefits.grants(benefit.id))).status).toBe(404);
    expect((await other.polar.benefits.list({ limit: 100 })).items.map((b) => b.id)).not.toContain(benefit.id);
    // A benefit cannot point at another organization's file either.
    const theirs = await call(emu, "POST", "/v1/benefits/", {
      token: other.token,
      body: { type: "downloadables", description: "Borrowed", properties: { files: [fileId] } },
    });
    expect(theirs.status).toBe(422);
    expect((await polar.benefits.get(benefit.id)).description).toBe("Ours");
  });
});
