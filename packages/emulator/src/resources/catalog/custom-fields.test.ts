import type { PolarApiError, Schema } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import type { Doc } from "../../store";
import { customFieldDataOf, validateCustomFieldData } from "./custom-field-data";
import { secondOrganization } from "./test-support";

const { emu, polar } = await useEmulator();
const other = secondOrganization(emu);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );
let slugs = 0;
const slug = (base: string) => `${base}-${++slugs}`;
const field = (body: Omit<Schema<"CustomFieldCreate">, "slug"> & { slug?: string }) =>
  polar.customFields.create({ slug: slug(body.type), ...body } as Schema<"CustomFieldCreate">);

describe("custom-fields:create", () => {
  it.each([
    ["text", { form_label: "Company", textarea: true, min_length: 2, max_length: 50 }],
    ["number", { form_label: "Team size", ge: 1, le: 500 }],
    ["date", { form_label: "Start", ge: 1_700_000_000 }],
    ["checkbox", { form_label: "I agree", form_help_text: "Terms apply" }],
    [
      "select",
      {
        options: [
          { value: "s", label: "Small" },
          { value: "l", label: "Large" },
        ],
      },
    ],
  ] as const)("creates a %s field", async (type, properties) => {
    const created = await field({ type, name: `A ${type}`, properties, metadata: { source: "test" } } as never);
    expect(created).toMatchObject({
      type,
      name: `A ${type}`,
      properties,
      metadata: { source: "test" },
      organization_id: emu.organizationId,
    });
    expect(await polar.customFields.get(created.id)).toEqual(created);
  });

  it("keeps only the properties of the field's type", async () => {
    const created = await field({
      type: "checkbox",
      name: "Consent",
      properties: { form_label: "OK", ge: 3, options: [] } as never,
    });
    expect(created.properties).toEqual({ form_label: "OK" });
  });

  it("refuses a slug taken in any case, and malformed input", async () => {
    const taken = slug("taken");
    await field({ type: "text", name: "Taken", slug: taken, properties: {} });
    const res = await call(emu, "POST", "/v1/custom-fields/", {
      body: { type: "number", name: "Again", slug: taken, properties: {} },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      loc: ["body", "slug"],
      msg: "Custom field with this slug already exists.",
    });
    const bodies: unknown[] = [
      { type: "text", name: "Bad slug", slug: "Has Spaces", properties: {} },
      { type: "text", name: "Injected", slug: "a'; drop table--", properties: {} },
      { type: "select", name: "No options", slug: "sel", properties: { options: [] } },
      { type: "number", name: "Bad bound", slug: "num", properties: { ge: "one" } },
      { type: "text", name: "", slug: "empty", properties: {} },
      { type: "colour", name: "Unknown", slug: "colour", properties: {} },
      { type: "text", name: "Org", slug: "org", properties: {}, organization_id: emu.organizationId },
    ];
    for (const body of bodies) expect((await call(emu, "POST", "/v1/custom-fields/", { body })).status).toBe(422);
  });
});

describe("custom-fields:update and delete", () => {
  it("updates name, slug, properties and metadata, keeping the type", async () => {
    const created = await field({ type: "text", name: "Old", properties: { form_label: "Old" } });
    const newSlug = slug("renamed");
    const updated = await polar.customFields.update(created.id, {
      type: "text",
      name: "New",
      slug: newSlug,
      properties: { form_label: "New", max_length: 10 },
      metadata: { v: 2 },
    });
    expect(updated).toMatchObject({
      name: "New",
      slug: newSlug,
      properties: { form_label: "New", max_length: 10 },
      metadata: { v: 2 },
    });
    expect(updated.modified_at).not.toBeNull();
    const typeChange = await call(emu, "PATCH", `/v1/custom-fields/${created.id}`, {
      body: { type: "number", name: "Number now" },
    });
    expect(typeChange.body.detail[0]).toMatchObject({
      loc: ["body", "type"],
      msg: "The type of a custom field can't be changed.",
    });
    const taken = await field({ type: "text", name: "Other", properties: {} });
    const slugClash = await call(emu, "PATCH", `/v1/custom-fields/${created.id}`, {
      body: { type: "text", slug: taken.slug },
    });
    expect(slugClash.status).toBe(422);
  });

  it("follows products: attached fields show there, change there and leave on delete", async () => {
    const company = await field({ type: "text", name: "Company", properties: {} });
    const size = await field({ type: "number", name: "Size", properties: {} });
    const product = await polar.products.create({
      name: "Form product",
      prices: [{ amount_type: "fixed", price_amount: 1000 }],
      attached_custom_fields: [
        { custom_field_id: size.id, required: true },
        { custom_field_id: company.id, required: false },
      ],
    });
    expect(product.attached_custom_fields).toEqual([
      { custom_field_id: size.id, custom_field: size, order: 0, required: true },
      { custom_field_id: company.id, custom_field: company, order: 1, required: false },
    ]);
    await polar.customFields.update(company.id, { type: "text", name: "Company name" });
    expect((await polar.products.get(product.id)).attached_custom_fields[1]?.custom_field).toMatchObject({
      name: "Company name",
    });
    const reattached = await polar.products.update(product.id, {
      attached_custom_fields: [{ custom_field_id: company.id, required: true }],
    });
    expect(reattached.attached_custom_fields.map((a) => [a.custom_field_id, a.required])).toEqual([[company.id, true]]);
    expect((await call(emu, "DELETE", `/v1/custom-fields/${company.id}`)).status).toBe(204);
    expect((await failure(polar.customFields.get(company.id))).status).toBe(404);
    expect((await polar.products.get(product.id)).attached_custom_fields).toEqual([]);
  });
});

describe("custom-fields:list", async () => {
  const prefix = `lst${Date.now() % 100_000}`;
  const b = await field({
    type: "select",
    name: "Beta",
    slug: `${prefix}-b`,
    properties: { options: [{ value: "x", label: "X" }] },
  });
  const a = await field({ type: "text", name: "Alpha", slug: `${prefix}-a`, properties: {} });

  it("lists by slug, with type and text filters", async () => {
    const ids = async (query: Record<string, unknown>) =>
      (await polar.customFields.list({ query: prefix, ...query } as never)).items.map((f) => f.id);
    expect(await ids({})).toEqual([a.id, b.id]);
    expect(await ids({ sorting: ["-slug"] })).toEqual([b.id, a.id]);
    expect(await ids({ type: "select" })).toEqual([b.id]);
    expect(await ids({ query: "ALPHA" })).toEqual([a.id]);
    expect(await ids({ organization_id: other.organizationId })).toEqual([]);
    expect((await call(emu, "GET", "/v1/custom-fields/?type=colour")).status).toBe(422);
  });
});

describe("organization isolation", () => {
  it("hides custom fields from another organization", async () => {
    const ours = await field({ type: "text", name: "Ours", properties: {} });
    expect((await failure(other.polar.customFields.get(ours.id))).status).toBe(404);
    expect((await failure(other.polar.customFields.update(ours.id, { type: "text", name: "Theirs" }))).status).toBe(
      404,
    );
    expect((await call(emu, "DELETE", `/v1/custom-fields/${ours.id}`, { token: other.token })).status).toBe(404);
    // The same slug is free in another organization, and our field cannot be attached there.
    expect(
      (await other.polar.customFields.create({ type: "text", name: "Same", slug: ours.slug, properties: {} })).slug,
    ).toBe(ours.slug);
    const attach = await call(emu, "POST", "/v1/products/", {
      token: other.token,
      body: {
        name: "Theirs",
        prices: [{ amount_type: "fixed", price_amount: 1000 }],
        attached_custom_fields: [{ custom_field_id: ours.id, required: true }],
      },
    });
    expect(attach.status).toBe(422);
  });
});

describe("validateCustomFieldData", async () => {
  const text = await field({
    type: "text",
    name: "Company",
    slug: "company",
    properties: { min_length: 2, max_length: 5 },
  });
  const number = await field({ type: "number", name: "Seats", slug: "seats", properties: { ge: 1, le: 10 } });
  const date = await field({ type: "date", name: "Start", slug: "start", properties: { ge: 1_767_225_600 } });
  const consent = await field({ type: "checkbox", name: "Consent", slug: "consent", properties: {} });
  const newsletter = await field({ type: "checkbox", name: "News", slug: "news", properties: {} });
  const plan = await field({
    type: "select",
    name: "Plan",
    slug: "plan",
    properties: {
      options: [
        { value: "a", label: "A" },
        { value: "b", label: "B" },
      ],
    },
  });
  const product = (await polar.products.create({
    name: "Checked product",
    prices: [{ amount_type: "fixed", price_amount: 1000 }],
    attached_custom_fields: [
      { custom_field_id: text.id, required: true },
      { custom_field_id: number.id, required: false },
      { custom_field_id: date.id, required: false },
      { custom_field_id: consent.id, required: true },
      { custom_field_id: newsletter.id, required: false },
      { custom_field_id: plan.id, required: false },
    ],
  })) as Doc;
  const issues = (data: unknown) =>
    validateCustomFieldData(emu.state, product, data).map((i) => [i.loc.at(-1), i.type, i.msg]);

  it("accepts valid data and fills the defaults", () => {
    const data = { company: "Acme", seats: 3, start: "2026-06-01", consent: true, plan: "b", unknown: "dropped" };
    expect(issues(data)).toEqual([]);
    expect(customFieldDataOf(emu.state, product, data)).toEqual({
      company: "Acme",
      seats: 3,
      start: "2026-06-01",
      consent: true,
      news: false,
      plan: "b",
    });
  });

  it("reports required fields, types, bounds and options", () => {
    expect(issues({})).toEqual([
      ["company", "missing", "Field required"],
      ["consent", "missing", "Field required"],
    ]);
    expect(issues({ company: "A", consent: false })).toEqual([
      ["company", "string_too_short", "String should have at least 2 characters"],
      ["consent", "literal_error", "Input should be True"],
    ]);
    expect(
      issues({ company: "Too long", consent: true, seats: 11, start: "2025-12-31", plan: "c", news: "yes" }),
    ).toEqual([
      ["company", "string_too_long", "String should have at most 5 characters"],
      ["seats", "less_than_equal", "Input should be less than or equal to 10"],
      ["start", "greater_than_equal", "Input should be greater than or equal to 2026-01-01"],
      ["news", "bool_type", "Input should be a valid boolean"],
      ["plan", "literal_error", "Input should be 'a' or 'b'"],
    ]);
    expect(issues({ company: 42, consent: true, seats: 1.5, start: "soon" })).toEqual([
      ["company", "string_type", "Input should be a valid string"],
      ["seats", "int_from_float", "Input should be a valid integer, got a number with a fractional part"],
      ["start", "datetime_parsing", "Input should be a valid datetime"],
    ]);
    expect(issues({ company: "Acme", consent: true, seats: 0 })).toEqual([
      ["seats", "greater_than_equal", "Input should be greater than or equal to 1"],
    ]);
  });

  it("locates issues at body.custom_field_data and survives hostile input", () => {
    expect(validateCustomFieldData(emu.state, product, null)[0]?.loc).toEqual(["body", "custom_field_data", "company"]);
    expect(issues(["not", "an", "object"])).toHaveLength(2);
    expect(issues({ company: "x'--", consent: true, seats: "1; DROP" })).toEqual([
      ["seats", "int_type", "Input should be a valid integer"],
    ]);
  });
});
