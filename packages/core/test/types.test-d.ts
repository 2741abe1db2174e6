import { describe, expectTypeOf, it } from "vitest";
import type { Benefit, Discount, Page, Polar, Product, ProductPrice, Schema } from "../src/index";

declare const polar: Polar;

describe("types", () => {
  it("narrows benefits on type", () => {
    const benefit = {} as Benefit;
    if (benefit.type === "license_keys") {
      expectTypeOf(benefit).toEqualTypeOf<Schema<"BenefitLicenseKeys">>();
      expectTypeOf(
        benefit.properties.activations,
      ).toEqualTypeOf<Schema<"BenefitLicenseKeyActivationProperties"> | null>();
    }
  });

  it("narrows prices on amount_type and discounts on type", () => {
    const price = {} as ProductPrice;
    if (price.amount_type === "custom") expectTypeOf(price.preset_amount).toEqualTypeOf<number | null>();
    if (price.amount_type === "fixed") expectTypeOf(price.price_amount).toEqualTypeOf<number>();
    const discount = {} as Discount;
    if (discount.type === "percentage") expectTypeOf(discount).toHaveProperty("basis_points");
  });

  it("types inputs and results in wire format", () => {
    expectTypeOf(polar.checkouts.create).parameter(0).toHaveProperty("products");
    expectTypeOf(polar.checkouts.create).returns.resolves.toEqualTypeOf<Schema<"Checkout">>();
    expectTypeOf(polar.customers.getExternal).parameter(0).toEqualTypeOf<string>();
    expectTypeOf<Awaited<ReturnType<typeof polar.products.get>>["created_at"]>().toEqualTypeOf<string>();
    expectTypeOf(polar.customers.export).returns.resolves.toEqualTypeOf<string>();
    expectTypeOf(polar.benefits.delete).returns.resolves.toEqualTypeOf<void>();
  });

  it("types paginated lists as a page and an async iterable of items", async () => {
    const list = polar.products.list({ limit: 100, is_archived: false });
    expectTypeOf(list).resolves.toEqualTypeOf<Page<Product>>();
    for await (const product of list) expectTypeOf(product).toEqualTypeOf<Product>();
    // @ts-expect-error: unknown query parameters are rejected
    polar.products.list({ not_a_filter: 1 });
  });
});
