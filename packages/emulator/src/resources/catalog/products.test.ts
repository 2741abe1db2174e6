import { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { findProductPrice } from "./prices";
import { recordWebhooks, secondOrganization, tokenWithScopes } from "./test-support";

const { emu, polar } = await useEmulator();
const webhooks = await recordWebhooks(emu);
const other = secondOrganization(emu);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );
const fixed = (price_amount: number, price_currency: "usd" | "eur" = "usd") =>
  ({ amount_type: "fixed", price_amount, price_currency }) as const;
const oneTime = (name: string, prices: unknown[] = [fixed(1500)], extra: Record<string, unknown> = {}) =>
  polar.products.create({ name, prices: prices as never, ...extra } as never);
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

async function benefit(description: string) {
  return polar.benefits.create({ type: "custom", description, properties: { note: null } });
}

describe("products:create", () => {
  it("creates a one-time product with a fixed price and announces it", async () => {
    const product = await oneTime("Ebook", [fixed(1500)], { description: "A book", metadata: { sku: "B-1", n: 2 } });
    expect(product).toMatchObject({
      name: "Ebook",
      description: "A book",
      visibility: "public",
      is_recurring: false,
      is_archived: false,
      recurring_interval: null,
      recurring_interval_count: null,
      organization_id: emu.organizationId,
      metadata: { sku: "B-1", n: 2 },
      benefits: [],
      medias: [],
      attached_custom_fields: [],
    });
    expect(product.prices).toEqual([
      expect.objectContaining({
        amount_type: "fixed",
        price_amount: 1500,
        price_currency: "usd",
        source: "catalog",
        is_archived: false,
        product_id: product.id,
        tax_behavior: null,
      }),
    ]);
    expect(await polar.products.get(product.id)).toEqual(product);
    expect(webhooks("product.created").map((e) => e.data.id)).toContain(product.id);
  });

  it("creates subscriptions with an interval count and a trial", async () => {
    const product = await polar.products.create({
      name: "Quarterly",
      recurring_interval: "month",
      recurring_interval_count: 3,
      trial_interval: "day",
      trial_interval_count: 14,
      prices: [fixed(3000)],
    });
    expect(product).toMatchObject({
      is_recurring: true,
      recurring_interval: "month",
      recurring_interval_count: 3,
      trial_interval: "day",
      trial_interval_count: 14,
      meter_interval: null,
    });
    const yearly = await polar.products.create({ name: "Yearly", recurring_interval: "year", prices: [fixed(9000)] });
    expect(yearly.recurring_interval_count).toBe(1);
  });

  it("creates free, pay-what-you-want and seat-based prices", async () => {
    const free = await oneTime("Free thing", [fixed(0)]);
    expect(free.prices[0]).toMatchObject({ amount_type: "fixed", price_amount: 0 });

    const pwyw = await oneTime("Tip jar", [
      { amount_type: "custom", minimum_amount: 0, maximum_amount: 10_000, preset_amount: 500 },
    ]);
    expect(pwyw.prices[0]).toMatchObject({
      amount_type: "custom",
      minimum_amount: 0,
      maximum_amount: 10_000,
      preset_amount: 500,
    });
    const defaults = await oneTime("Tip jar 2", [{ amount_type: "custom" }]);
    expect(defaults.prices[0]).toMatchObject({ minimum_amount: 50, maximum_amount: null, preset_amount: null });

    const seats = await polar.products.create({
      name: "Team plan",
      recurring_interval: "month",
      prices: [
        {
          amount_type: "seat_based",
          seat_tiers: {
            seat_tier_type: "graduated",
            tiers: [
              { min_seats: 6, price_per_seat: 800 },
              { min_seats: 1, max_seats: 5, price_per_seat: 1000 },
            ],
          },
        },
      ],
    });
    expect(seats.prices[0]).toMatchObject({
      amount_type: "seat_based",
      seat_tiers: {
        seat_tier_type: "graduated",
        tiers: [
          { min_seats: 1, max_seats: 5, price_per_seat: 1000 },
          { min_seats: 6, max_seats: null, price_per_seat: 800 },
        ],
        minimum_seats: 1,
        maximum_seats: null,
      },
    });
  });

  it("creates metered prices next to a base price, with any meter id", async () => {
    const meterId = "11111111-1111-4111-8111-111111111111";
    const product = await polar.products.create({
      name: "API plan",
      recurring_interval: "month",
      prices: [
        { amount_type: "metered_unit", meter_id: meterId, unit_amount: 0.5, cap_amount: 10_000 },
        fixed(2000),
        { amount_type: "seat_based", seat_tiers: { tiers: [{ min_seats: 1, price_per_seat: 100 }] } },
      ],
    });
    // Static prices come first, metered ones last.
    expect(product.prices.map((p) => p.amount_type)).toEqual(["fixed", "seat_based", "metered_unit"]);
    expect(product.prices[2]).toMatchObject({
      unit_amount: "0.5",
      cap_amount: 10_000,
      meter_id: meterId,
      meter: { id: meterId, name: "Meter", unit: "scalar", custom_label: null, custom_multiplier: null },
    });
    const decimal = await polar.products.create({
      name: "API plan 2",
      recurring_interval: "month",
      prices: [{ amount_type: "metered_unit", meter_id: meterId, unit_amount: "0.000001" }],
    });
    expect(decimal.prices[0]).toMatchObject({ unit_amount: "0.000001" });
  });

  it("sells in several currencies with one price each", async () => {
    const product = await oneTime("Worldwide", [fixed(1000, "usd"), fixed(900, "eur")]);
    expect(product.prices.map((p) => p.price_currency)).toEqual(["usd", "eur"]);
  });

  it.each([
    [
      "metered price on a one-time product",
      { prices: [{ amount_type: "metered_unit", meter_id: UNKNOWN, unit_amount: 1 }] },
      ["body", "prices", 0],
      "Metered pricing is not supported on one-time products.",
    ],
    [
      "free price with another price",
      { prices: [fixed(0), { amount_type: "custom" }] },
      ["body", "prices"],
      "A free price cannot be combined with other prices.",
    ],
    [
      "custom with fixed",
      { prices: [fixed(500), { amount_type: "custom" }] },
      ["body", "prices"],
      "A custom price cannot be combined with a fixed or seat-based price.",
    ],
    [
      "two fixed prices in one currency",
      { prices: [fixed(500), fixed(700)] },
      ["body", "prices"],
      "Only one fixed price and one seat-based price are allowed per currency.",
    ],
    [
      "fixed price below the currency minimum",
      { prices: [fixed(49)] },
      ["body", "prices", 0, "price_amount"],
      "Amount must be at least $0.50 or 0 for free pricing",
    ],
    [
      "a yen price below the yen minimum",
      { prices: [{ amount_type: "fixed", price_amount: 79, price_currency: "jpy" }] },
      ["body", "prices", 0, "price_amount"],
      "Amount must be at least ¥80 or 0 for free pricing",
    ],
    [
      "fixed price above the maximum",
      { prices: [fixed(100_000_000)] },
      ["body", "prices", 0, "price_amount"],
      "Amount must be at most $999,999.99",
    ],
    [
      "custom maximum below minimum",
      { prices: [{ amount_type: "custom", minimum_amount: 1000, maximum_amount: 500 }] },
      ["body", "prices", 0, "maximum_amount"],
      "The maximum amount must be greater than or equal to the minimum amount.",
    ],
    [
      "seat tiers with a gap",
      {
        recurring_interval: "month",
        prices: [
          {
            amount_type: "seat_based",
            seat_tiers: {
              tiers: [
                { min_seats: 1, max_seats: 5, price_per_seat: 1 },
                { min_seats: 7, price_per_seat: 1 },
              ],
            },
          },
        ],
      },
      ["body", "prices", 0, "seat_tiers", "tiers"],
      "Value error, Gap or overlap between tiers: tier ending at 5 and tier starting at 7",
    ],
    [
      "an open-ended tier that is not last",
      {
        recurring_interval: "month",
        prices: [
          {
            amount_type: "seat_based",
            seat_tiers: {
              tiers: [
                { min_seats: 1, price_per_seat: 1 },
                { min_seats: 3, price_per_seat: 1 },
              ],
            },
          },
        ],
      },
      ["body", "prices", 0, "seat_tiers", "tiers"],
      "Value error, Only the last tier can have unlimited max_seats (None)",
    ],
    [
      "negative decimal unit amount",
      { recurring_interval: "month", prices: [{ amount_type: "metered_unit", meter_id: UNKNOWN, unit_amount: "-1" }] },
      ["body", "prices", 0, "unit_amount"],
      "Input should be greater than 0",
    ],
    [
      "two metered prices on one meter",
      {
        recurring_interval: "month",
        prices: [
          { amount_type: "metered_unit", meter_id: UNKNOWN, unit_amount: 1 },
          { amount_type: "metered_unit", meter_id: UNKNOWN, unit_amount: 2 },
        ],
      },
      ["body", "prices", 1, "meter_id"],
      "Meter is already used for another price.",
    ],
    ["a blank name", { name: "   ab   " }, ["body", "name"], "String should have at least 3 characters"],
    ["unknown media", { medias: [UNKNOWN] }, ["body", "medias", 0], "File does not exist or is not yet uploaded."],
    [
      "unknown custom field",
      { attached_custom_fields: [{ custom_field_id: UNKNOWN, required: true }] },
      ["body", "attached_custom_fields", 0],
      "Custom field does not exist.",
    ],
  ])("refuses %s with a 422", async (_case, overrides, loc, msg) => {
    const res = await call(emu, "POST", "/v1/products/", {
      body: { name: "Bad product", prices: [fixed(1000)], ...overrides },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContainEqual(expect.objectContaining({ loc, msg }));
  });

  it("refuses malformed bodies the way the API validates them", async () => {
    const wrongType = await call(emu, "POST", "/v1/products/", {
      body: { name: "X product", prices: [{ amount_type: "fixed", price_amount: "100" }] },
    });
    expect(wrongType.status).toBe(422);
    const empty = await call(emu, "POST", "/v1/products/", { body: { name: "X product", prices: [] } });
    expect(empty.status).toBe(422);
    const missing = await call(emu, "POST", "/v1/products/", {});
    expect(missing.body.detail[0]).toMatchObject({ loc: ["body"], type: "missing" });
    const garbled = await call(emu, "POST", "/v1/products/", { body: "{not json" });
    expect(garbled.body.detail[0]).toMatchObject({ type: "json_invalid" });
    const long = await call(emu, "POST", "/v1/products/", { body: { name: "x".repeat(65), prices: [fixed(1000)] } });
    expect(long.status).toBe(422);
    const huge = await call(emu, "POST", "/v1/products/", {
      body: { name: "Big metadata", prices: [fixed(1000)], metadata: { k: "v".repeat(501) } },
    });
    expect(huge.status).toBe(422);
  });

  it("refuses organization_id with an organization token", async () => {
    const res = await call(emu, "POST", "/v1/products/", {
      body: { name: "Mine", prices: [fixed(1000)], organization_id: emu.organizationId },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      {
        loc: ["body", "organization_id"],
        msg: "Setting organization_id is disallowed when using an organization token.",
        type: "organization_token",
        input: emu.organizationId,
      },
    ]);
  });

  it("keeps daily and weekly billing for Polar staff", async () => {
    const error = await failure(
      polar.products.create({ name: "Daily", recurring_interval: "day", prices: [fixed(100)] }),
    );
    expect(error.status).toBe(403);
    expect(error.body).toMatchObject({ error: "NotPermitted" });
  });

  it("ignores unknown fields and stores hostile strings verbatim", async () => {
    const name = "'; DROP TABLE resources; --";
    const res = await call(emu, "POST", "/v1/products/", {
      body: { name, prices: [fixed(1000)], is_archived: true, stripe_product_id: "prod_x", id: UNKNOWN },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name, is_archived: false });
    expect(res.body.id).not.toBe(UNKNOWN);
    expect(res.body).not.toHaveProperty("stripe_product_id");
    expect((await polar.products.list({ query: "drop table" })).items.map((p) => p.id)).toEqual([res.body.id]);
  });

  it("needs the products:write scope", async () => {
    const token = tokenWithScopes(emu, ["products:read"]);
    expect((await call(emu, "GET", "/v1/products/", { token })).status).toBe(200);
    const res = await call(emu, "POST", "/v1/products/", { token, body: { name: "No scope", prices: [fixed(1000)] } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("insufficient_scope");
  });
});

describe("products:get", () => {
  it("answers 404 for unknown ids and 422 for malformed ones", async () => {
    expect((await failure(polar.products.get(UNKNOWN))).status).toBe(404);
    const malformed = await call(emu, "GET", "/v1/products/not-a-uuid");
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0]).toMatchObject({ loc: ["path", "id"], type: "uuid_parsing" });
  });
});

describe("products:list", async () => {
  const tag = `list-${Date.now()}`;
  const perk = await benefit("Listed perk");
  const alpha = await oneTime("Alpha list", [fixed(3000)], { metadata: { tag, tier: "gold" } });
  const beta = await polar.products.create({
    name: "Beta list",
    recurring_interval: "month",
    prices: [fixed(1000)],
    metadata: { tag, tier: "silver" },
    visibility: "private",
  });
  const gamma = await oneTime("Gamma list", [{ amount_type: "custom", minimum_amount: 200 }], {
    metadata: { tag, tier: "gold" },
  });
  await polar.products.updateBenefits(beta.id, { benefits: [perk.id] });
  await polar.products.update(gamma.id, { is_archived: true });
  const names = async (query: Record<string, unknown>) =>
    (await polar.products.list({ metadata: { tag }, ...query } as never)).items.map((p) => p.name);

  it("lists newest first and filters", async () => {
    expect(await names({})).toEqual(["Gamma list", "Beta list", "Alpha list"]);
    expect(await names({ id: [alpha.id, gamma.id] })).toEqual(["Gamma list", "Alpha list"]);
    expect(await names({ query: "BETA" })).toEqual(["Beta list"]);
    expect(await names({ is_archived: false })).toEqual(["Beta list", "Alpha list"]);
    expect(await names({ is_recurring: true })).toEqual(["Beta list"]);
    expect(await names({ benefit_id: perk.id })).toEqual(["Beta list"]);
    expect(await names({ visibility: ["private"] })).toEqual(["Beta list"]);
    expect(await names({ metadata: { tag, tier: "gold" } })).toEqual(["Gamma list", "Alpha list"]);
    expect(await names({ metadata: { tag, tier: ["gold", "silver"] } })).toHaveLength(3);
    expect(await names({ organization_id: emu.organizationId })).toHaveLength(3);
    expect(await names({ organization_id: other.organizationId })).toEqual([]);
  });

  it("sorts by name and by price", async () => {
    expect(await names({ sorting: ["name"] })).toEqual(["Alpha list", "Beta list", "Gamma list"]);
    expect(await names({ sorting: ["-name"] })).toEqual(["Gamma list", "Beta list", "Alpha list"]);
    expect(await names({ sorting: ["price_amount"] })).toEqual(["Gamma list", "Beta list", "Alpha list"]);
    expect(await names({ sorting: ["price_amount_type", "name"] })).toEqual(["Gamma list", "Alpha list", "Beta list"]);
  });

  it("pages, clamping the limit to 100", async () => {
    const page = await polar.products.list({ metadata: { tag }, limit: 2, page: 2 });
    expect(page.items.map((p) => p.name)).toEqual(["Alpha list"]);
    expect(page.pagination).toEqual({ total_count: 3, max_page: 2 });
    const clamped = await call(emu, "GET", `/v1/products/?limit=1000&metadata[tag]=${tag}`);
    expect(clamped.body.pagination).toEqual({ total_count: 3, max_page: 1 });
    expect((await call(emu, "GET", "/v1/products/?page=0")).status).toBe(422);
    expect((await call(emu, "GET", "/v1/products/?sorting=price")).status).toBe(422);
    expect((await call(emu, "GET", "/v1/products/?is_archived=maybe")).status).toBe(422);
  });
});

describe("products:update", () => {
  it("updates fields, ignores nulls and announces the change", async () => {
    const product = await oneTime("Before", [fixed(1000)], { metadata: { a: 1 } });
    const updated = await polar.products.update(product.id, {
      name: "After",
      description: "Now described",
      visibility: "draft",
      metadata: { b: "2" },
    });
    expect(updated).toMatchObject({
      name: "After",
      description: "Now described",
      visibility: "draft",
      metadata: { b: "2" },
    });
    expect(updated.modified_at).not.toBeNull();
    const untouched = await polar.products.update(product.id, { name: null, description: null });
    expect(untouched).toMatchObject({ name: "After", description: "Now described" });
    expect(webhooks("product.updated").filter((e) => e.data.id === product.id)).toHaveLength(2);
  });

  it("archives and unarchives", async () => {
    const product = await oneTime("Archivable", [fixed(1000)]);
    expect((await polar.products.update(product.id, { is_archived: true })).is_archived).toBe(true);
    expect((await polar.products.update(product.id, { is_archived: false })).is_archived).toBe(false);
  });

  it("keeps listed prices, creates new ones and archives the rest", async () => {
    const product = await polar.products.create({
      name: "Repriced",
      recurring_interval: "month",
      prices: [fixed(1000), { amount_type: "metered_unit", meter_id: UNKNOWN, unit_amount: 1 }],
    });
    const [base, metered] = product.prices.map((p) => p.id);
    const updated = await polar.products.update(product.id, { prices: [{ id: metered! }, fixed(1200, "eur")] });
    expect(updated.prices.map((p) => [p.amount_type, p.price_currency])).toEqual([
      ["fixed", "eur"],
      ["metered_unit", "usd"],
    ]);
    expect(updated.prices.find((p) => p.id === metered)).toBeDefined();
    expect(findProductPrice(emu.state, base!)).toMatchObject({ is_archived: true, product_id: product.id });
    expect((await polar.products.get(product.id)).prices.some((p) => p.id === base)).toBe(false);
  });

  it("refuses unknown prices, an empty price list and interval changes", async () => {
    const product = await polar.products.create({
      name: "Fixed plan",
      recurring_interval: "month",
      prices: [fixed(1000)],
    });
    const unknown = await call(emu, "PATCH", `/v1/products/${product.id}`, { body: { prices: [{ id: UNKNOWN }] } });
    expect(unknown.body.detail).toContainEqual(
      expect.objectContaining({ loc: ["body", "prices", 0], msg: "Price does not exist." }),
    );
    const none = await call(emu, "PATCH", `/v1/products/${product.id}`, { body: { prices: [] } });
    expect(none.body.detail).toContainEqual(expect.objectContaining({ loc: ["body", "prices"], type: "too_short" }));
    const interval = await call(emu, "PATCH", `/v1/products/${product.id}`, { body: { recurring_interval: "year" } });
    expect(interval.body.detail[0]).toMatchObject({
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
    });
    expect((await polar.products.update(product.id, { recurring_interval: "month" })).recurring_interval).toBe("month");
    expect((await call(emu, "PATCH", `/v1/products/${product.id}`, { body: { name: 42 } })).status).toBe(422);
    // Nothing of the refused updates stuck.
    expect((await polar.products.get(product.id)).prices).toHaveLength(1);
  });
});

describe("products:update_benefits", () => {
  it("sets the benefits in order and announces the product", async () => {
    const [first, second] = [await benefit("First perk"), await benefit("Second perk")];
    const product = await oneTime("Bundle", [fixed(1000)]);
    const updated = await polar.products.updateBenefits(product.id, { benefits: [second.id, first.id, second.id] });
    expect(updated.benefits.map((b) => b.id)).toEqual([second.id, first.id]);
    expect(webhooks("product.updated").at(-1)?.data).toMatchObject({
      id: product.id,
      benefits: [{ id: second.id }, { id: first.id }],
    });
    expect((await polar.products.updateBenefits(product.id, { benefits: [] })).benefits).toEqual([]);
  });

  it("refuses benefits that do not exist or belong to another organization", async () => {
    const product = await oneTime("Guarded", [fixed(1000)]);
    const foreign = await other.polar.benefits.create({ type: "custom", description: "Not yours", properties: {} });
    for (const id of [UNKNOWN, foreign.id]) {
      const res = await call(emu, "POST", `/v1/products/${product.id}/benefits`, { body: { benefits: [id] } });
      expect(res.status).toBe(422);
      expect(res.body.detail[0]).toMatchObject({ loc: ["body", "benefits", 0], msg: "Benefit does not exist." });
    }
    expect((await call(emu, "POST", `/v1/products/${product.id}/benefits`, { body: { benefits: "x" } })).status).toBe(
      422,
    );
  });
});

describe("organization isolation", () => {
  it("hides products from another organization's token", async () => {
    const product = await oneTime("Private stock", [fixed(1000)]);
    expect((await failure(other.polar.products.get(product.id))).status).toBe(404);
    expect((await failure(other.polar.products.update(product.id, { name: "Stolen" }))).status).toBe(404);
    expect((await failure(other.polar.products.updateBenefits(product.id, { benefits: [] }))).status).toBe(404);
    expect((await other.polar.products.list({ limit: 100 })).items.map((p) => p.id)).not.toContain(product.id);
    expect((await polar.products.get(product.id)).name).toBe("Private stock");
  });
});

it("throws a PolarApiError the typed client understands", async () => {
  expect(await failure(polar.products.get(UNKNOWN))).toBeInstanceOf(PolarApiError);
});
