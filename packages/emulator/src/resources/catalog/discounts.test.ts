import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { ApiFailure } from "../../errors";
import { schemaValidator } from "../../validate";
import { findApplicableDiscount, redeemDiscount, releaseDiscountRedemption } from "./discount-redemption";
import { findDeletedDiscount } from "./discounts";
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
const DAY = 86_400_000;

const product = await polar.products.create({
  name: "Discounted",
  prices: [{ amount_type: "fixed", price_amount: 5000 }],
});
const otherProduct = await polar.products.create({
  name: "Full price",
  prices: [{ amount_type: "fixed", price_amount: 5000 }],
});
let codes = 0;
const nextCode = () => `CODE${++codes}X${Date.now() % 10_000}`;

/** What a thrown helper failure says: status and body. */
type FailureBody = { error: string; detail: { loc: (string | number)[]; msg: string }[] };

function thrown(run: () => unknown): { status: number; body: FailureBody } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiFailure) return { status: error.status, body: error.body as FailureBody };
    throw error;
  }
  return expect.fail("expected a failure");
}

describe("discounts:create", () => {
  it("creates fixed and percentage discounts of every duration", async () => {
    const once = await polar.discounts.create({ type: "fixed", duration: "once", name: "Five off", amount: 500 });
    expect(once).toMatchObject({
      type: "fixed",
      duration: "once",
      amount: 500,
      currency: "usd",
      amounts: { usd: 500 },
      code: null,
      redemptions_count: 0,
      products: [],
      organization_id: emu.organizationId,
    });
    expect(once).not.toHaveProperty("duration_in_months");
    const perCurrency = await polar.discounts.create({
      type: "fixed",
      duration: "forever",
      name: "Local",
      amounts: { eur: 400, usd: 450 },
    });
    expect(perCurrency).toMatchObject({ amount: 450, currency: "usd", amounts: { eur: 400, usd: 450 } });
    const forever = await polar.discounts.create({
      type: "percentage",
      duration: "forever",
      name: "Ten",
      basis_points: 1000,
    });
    expect(await polar.discounts.get(forever.id)).toEqual(forever);
    expect(webhooks("discount.created").map((e) => e.data.id)).toEqual(
      expect.arrayContaining([once.id, perCurrency.id, forever.id]),
    );
  });

  it("takes codes, windows, limits and product restrictions", async () => {
    const code = nextCode();
    const startsAt = new Date(Date.now() + DAY).toISOString();
    const discount = await polar.discounts.create({
      type: "percentage",
      duration: "once",
      name: "Launch",
      basis_points: 5000,
      code,
      starts_at: startsAt,
      ends_at: new Date(Date.now() + 2 * DAY).toISOString(),
      max_redemptions: 10,
      max_redemptions_per_customer: 1,
      products: [product.id, product.id],
      metadata: { campaign: "launch" },
    });
    expect(discount).toMatchObject({
      code,
      starts_at: startsAt.replace("Z", "+00:00"),
      max_redemptions: 10,
      max_redemptions_per_customer: 1,
      metadata: { campaign: "launch" },
    });
    expect(discount.products).toEqual([expect.objectContaining({ id: product.id, name: "Discounted" })]);
    expect(discount.products[0]).not.toHaveProperty("prices");
  });

  it.each([
    [
      "a taken code in another case",
      (code: string) => ({ code: code.toLowerCase() }),
      ["body", "code"],
      "Discount with this code already exists.",
    ],
    [
      "a code with symbols",
      () => ({ code: "NO-WAY" }),
      ["body", "code"],
      "Value error, Code must contain only alphanumeric characters.",
    ],
    [
      "a two-letter code",
      () => ({ code: "AB" }),
      ["body", "code"],
      "Value error, Code must be between 3 and 256 characters long.",
    ],
    [
      "a 257-letter code",
      () => ({ code: "A".repeat(257) }),
      ["body", "code"],
      "Value error, Code must be between 3 and 256 characters long.",
    ],
    [
      "an SQL-ish code",
      () => ({ code: "x' OR '1'='1" }),
      ["body", "code"],
      "Value error, Code must contain only alphanumeric characters.",
    ],
    [
      "a window that ends before it starts",
      () => ({ starts_at: "2030-01-02T00:00:00Z", ends_at: "2030-01-01T00:00:00Z" }),
      ["body", "ends_at"],
      "Value error, starts_at must be before ends_at",
    ],
    [
      "a repeating duration without months",
      () => ({ duration: "repeating" }),
      ["body", "duration_in_months"],
      "Field required",
    ],
    ["an unknown product", () => ({ products: [UNKNOWN] }), ["body", "products", 0], "Product not found."],
    [
      "organization_id with an organization token",
      () => ({ organization_id: UNKNOWN }),
      ["body", "organization_id"],
      "Setting organization_id is disallowed when using an organization token.",
    ],
  ])("refuses %s", async (_case, overrides, loc, msg) => {
    const taken = nextCode();
    await polar.discounts.create({ type: "fixed", duration: "once", name: "Taken", amount: 100, code: taken });
    const res = await call(emu, "POST", "/v1/discounts/", {
      body: { type: "fixed", duration: "once", name: "Candidate", amount: 100, ...overrides(taken) },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContainEqual(expect.objectContaining({ loc, msg }));
  });

  it("refuses malformed bodies", async () => {
    const bodies: unknown[] = [
      { type: "fixed", duration: "once", name: "No amount" },
      { type: "percentage", duration: "once", name: "Too much", basis_points: 10_001 },
      { type: "percentage", duration: "once", name: "Zero", basis_points: 0 },
      { type: "percentage", duration: "sometimes", name: "Bad duration", basis_points: 10 },
      { type: "fixed", duration: "once", name: "", amount: 100 },
      { type: "fixed", duration: "once", name: "Negative", amount: -1 },
      { type: "fixed", duration: "once", name: "Limit", amount: 1, max_redemptions: 0 },
      { type: "fixed", duration: "repeating", name: "Months", amount: 1, duration_in_months: 1000 },
      "null",
    ];
    for (const body of bodies) expect((await call(emu, "POST", "/v1/discounts/", { body })).status).toBe(422);
  });

  it("treats an empty code as no code", async () => {
    const discount = await polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Codeless",
      amount: 100,
      code: "",
    });
    expect(discount.code).toBeNull();
  });
});

describe("discounts:update", () => {
  it("updates fields, clears nullable ones with null and announces it", async () => {
    const discount = await polar.discounts.create({
      type: "percentage",
      duration: "forever",
      name: "Editable",
      basis_points: 1000,
      code: nextCode(),
      max_redemptions: 5,
    });
    const newCode = nextCode();
    const updated = await polar.discounts.update(discount.id, {
      name: "Edited",
      code: newCode,
      basis_points: 1500,
      products: [product.id],
      max_redemptions: null,
    });
    expect(updated).toMatchObject({
      name: "Edited",
      code: newCode,
      basis_points: 1500,
      max_redemptions: null,
      products: [expect.objectContaining({ id: product.id })],
    });
    expect((await polar.discounts.update(discount.id, { code: null, name: null })).code).toBeNull();
    expect((await polar.discounts.get(discount.id)).name).toBe("Edited");
    expect(webhooks("discount.updated").filter((e) => e.data.id === discount.id)).toHaveLength(2);
  });

  it("refuses changing the type or duration and a taken code", async () => {
    const taken = nextCode();
    await polar.discounts.create({ type: "fixed", duration: "once", name: "Holder", amount: 100, code: taken });
    const discount = await polar.discounts.create({ type: "fixed", duration: "once", name: "Mover", amount: 100 });
    for (const [body, loc] of [
      [{ type: "percentage" }, ["body", "type"]],
      [{ duration: "forever" }, ["body", "duration"]],
      [{ code: taken.toUpperCase() }, ["body", "code"]],
      [{ ends_at: "2000-01-01T00:00:00Z", starts_at: "2001-01-01T00:00:00Z" }, ["body", "ends_at"]],
      [{ products: [otherProduct.id, UNKNOWN] }, ["body", "products", 1]],
    ] as const) {
      const res = await call(emu, "PATCH", `/v1/discounts/${discount.id}`, { body });
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(loc);
    }
  });

  it("freezes the value of a discount once redeemed", async () => {
    const discount = await polar.discounts.create({ type: "fixed", duration: "once", name: "Frozen", amount: 300 });
    emu.state.db.transaction(() => redeemDiscount(emu.state, discount.id));
    const res = await call(emu, "PATCH", `/v1/discounts/${discount.id}`, { body: { amount: 400 } });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      loc: ["body", "amount"],
      msg: "This field cannot be changed because the discount has already been redeemed.",
    });
    expect((await polar.discounts.update(discount.id, { name: "Still editable" })).name).toBe("Still editable");
  });
});

// A repeating discount also fits the once/forever variant of the spec's `Discount` union; the
// emulator validates unions as Pydantic does (any fitting branch), and these tests also check each
// body against its exact variant schema.
describe("repeating discounts", async () => {
  const lenient = await useEmulator();
  const matchesVariant = (variant: string, body: unknown) => {
    const validate = schemaValidator(variant);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  };

  it("creates fixed and percentage repeating discounts in the API's shape", async () => {
    const percentage = await lenient.polar.discounts.create({
      type: "percentage",
      duration: "repeating",
      duration_in_months: 3,
      name: "Quarter off",
      basis_points: 2500,
    });
    expect(percentage).toMatchObject({
      type: "percentage",
      basis_points: 2500,
      duration: "repeating",
      duration_in_months: 3,
    });
    matchesVariant("DiscountPercentageRepeatDuration", percentage);
    const fixed = await lenient.polar.discounts.create({
      type: "fixed",
      duration: "repeating",
      duration_in_months: 12,
      name: "A year of savings",
      amount: 200,
    });
    matchesVariant("DiscountFixedRepeatDuration", fixed);
    matchesVariant("DiscountFixedRepeatDuration", await lenient.polar.discounts.get(fixed.id));
  });

  it("updates the number of months, and only on repeating discounts", async () => {
    const discount = await lenient.polar.discounts.create({
      type: "percentage",
      duration: "repeating",
      duration_in_months: 2,
      name: "Two months",
      basis_points: 1000,
    });
    const updated = await lenient.polar.discounts.update(discount.id, { duration_in_months: 6 });
    expect(updated).toMatchObject({ duration_in_months: 6 });
    matchesVariant("DiscountPercentageRepeatDuration", updated);
    const once = await lenient.polar.discounts.create({
      type: "percentage",
      duration: "once",
      name: "Once",
      basis_points: 10,
    });
    expect(await lenient.polar.discounts.update(once.id, { duration_in_months: 6 })).not.toHaveProperty(
      "duration_in_months",
    );
  });
});

describe("discounts:delete", () => {
  it("deletes with 204, announces discount.deleted and frees the code", async () => {
    const code = nextCode();
    const discount = await polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Doomed",
      amount: 100,
      code,
    });
    const res = await call(emu, "DELETE", `/v1/discounts/${discount.id}`);
    expect(res.status).toBe(204);
    expect((await failure(polar.discounts.get(discount.id))).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/discounts/${discount.id}`)).status).toBe(404);
    expect(webhooks("discount.deleted").at(-1)?.data).toMatchObject({ id: discount.id, code });
    expect(findDeletedDiscount(emu.state, discount.id)).toMatchObject({ id: discount.id });
    const again = await polar.discounts.create({ type: "fixed", duration: "once", name: "Reborn", amount: 100, code });
    expect(again.code).toBe(code);
  });
});

describe("discounts:list", async () => {
  const prefix = `L${Date.now() % 100_000}`;
  const a = await polar.discounts.create({
    type: "fixed",
    duration: "once",
    name: `${prefix} Alpha`,
    amount: 100,
    code: `${prefix}ZZZ`,
  });
  const b = await polar.discounts.create({
    type: "percentage",
    duration: "once",
    name: `${prefix} Beta`,
    basis_points: 100,
    code: `${prefix}AAA`,
  });

  it("searches names (case-sensitive) and codes (any case), sorts and pages", async () => {
    const ids = async (query: Record<string, unknown>) =>
      (await polar.discounts.list(query as never)).items.map((d) => d.id);
    expect(await ids({ query: prefix })).toEqual([b.id, a.id]);
    expect(await ids({ query: `${prefix} alpha` })).toEqual([]);
    expect(await ids({ query: `${prefix}zzz` })).toEqual([a.id]);
    expect(await ids({ query: prefix, sorting: ["code"] })).toEqual([b.id, a.id]);
    expect(await ids({ query: prefix, sorting: ["-name"] })).toEqual([b.id, a.id]);
    expect(await ids({ query: prefix, organization_id: other.organizationId })).toEqual([]);
    const clamped = await call(emu, "GET", `/v1/discounts/?query=${prefix}&limit=500`);
    expect(clamped.body.pagination).toEqual({ total_count: 2, max_page: 1 });
    expect((await call(emu, "GET", "/v1/discounts/?sorting=amount")).status).toBe(422);
  });
});

describe("organization isolation", () => {
  it("hides discounts and their codes from another organization", async () => {
    const code = nextCode();
    const discount = await polar.discounts.create({ type: "fixed", duration: "once", name: "Ours", amount: 100, code });
    expect((await failure(other.polar.discounts.get(discount.id))).status).toBe(404);
    expect((await failure(other.polar.discounts.update(discount.id, { name: "Theirs" }))).status).toBe(404);
    expect((await call(emu, "DELETE", `/v1/discounts/${discount.id}`, { token: other.token })).status).toBe(404);
    // Codes are unique per organization: the other one may reuse it.
    const theirs = await other.polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Same code",
      amount: 1,
      code,
    });
    expect(theirs.code).toBe(code);
    // And may not restrict a discount to our product.
    const res = await call(emu, "POST", "/v1/discounts/", {
      token: other.token,
      body: { type: "fixed", duration: "once", name: "Borrow", amount: 1, products: [product.id] },
    });
    expect(res.status).toBe(422);
  });
});

describe("checkout helpers", () => {
  const find = (request: { code?: string; id?: string; productId?: string; now?: Date; customerId?: string }) =>
    findApplicableDiscount(emu.state, emu.organizationId, {
      productId: product.id,
      now: emu.state.clock.now(),
      ...request,
    });

  it("finds a discount by code in any case, or by id", async () => {
    const code = nextCode();
    const discount = await polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Findable",
      amount: 100,
      code,
    });
    expect(find({ code: code.toLowerCase() })).toMatchObject({ id: discount.id });
    expect(find({ id: discount.id })).toMatchObject({ id: discount.id });
  });

  it("refuses discounts that do not exist, do not apply or are outside their window", async () => {
    const limited = await polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Product only",
      amount: 100,
      products: [product.id],
    });
    const future = await polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Later",
      amount: 100,
      starts_at: new Date(emu.state.clock.now().getTime() + DAY).toISOString(),
    });
    const past = await polar.discounts.create({
      type: "fixed",
      duration: "once",
      name: "Gone",
      amount: 100,
      ends_at: new Date(emu.state.clock.now().getTime() - DAY).toISOString(),
    });
    const foreign = await other.polar.discounts.create({ type: "fixed", duration: "once", name: "Foreign", amount: 1 });
    const notExisting = {
      status: 422,
      body: {
        error: "PolarRequestValidationError",
        detail: [expect.objectContaining({ msg: "Discount does not exist." })],
      },
    };
    expect(thrown(() => find({ code: "NOPE123" }))).toEqual(notExisting);
    expect(thrown(() => find({ code: "NOPE123" })).body.detail[0]?.loc).toEqual(["body", "discount_code"]);
    expect(thrown(() => find({ id: limited.id, productId: otherProduct.id })).body.detail[0]?.loc).toEqual([
      "body",
      "discount_id",
    ]);
    expect(thrown(() => find({ id: future.id }))).toEqual(notExisting);
    expect(thrown(() => find({ id: past.id }))).toEqual(notExisting);
    expect(thrown(() => find({ id: foreign.id }))).toEqual(notExisting);
    // The clock moves: the future discount becomes valid.
    expect(find({ id: future.id, now: new Date(emu.state.clock.now().getTime() + 2 * DAY) })).toMatchObject({
      id: future.id,
    });
  });

  it("counts redemptions against the limits and gives them back", async () => {
    const discount = await polar.discounts.create({
      type: "percentage",
      duration: "once",
      name: "Twice",
      basis_points: 1000,
      max_redemptions: 2,
      max_redemptions_per_customer: 1,
    });
    const redeem = (customerId?: string) =>
      emu.state.db.transaction(() => redeemDiscount(emu.state, discount.id, customerId));
    expect(redeem("cus_1")).toMatchObject({ redemptions_count: 1 });
    expect(thrown(() => find({ id: discount.id, customerId: "cus_1" })).status).toBe(422);
    expect(find({ id: discount.id, customerId: "cus_2" })).toMatchObject({ redemptions_count: 1 });
    expect(redeem("cus_2")).toMatchObject({ redemptions_count: 2 });
    expect(thrown(() => redeem("cus_3"))).toEqual({
      status: 403,
      body: { error: "DiscountRedemptionLimitReached", detail: expect.any(String) },
    });
    expect(thrown(() => find({ id: discount.id }))).toMatchObject({ status: 422 });
    emu.state.db.transaction(() => releaseDiscountRedemption(emu.state, discount.id));
    expect((await polar.discounts.get(discount.id)).redemptions_count).toBe(1);
    expect(find({ id: discount.id })).toMatchObject({ redemptions_count: 1 });
  });
});
