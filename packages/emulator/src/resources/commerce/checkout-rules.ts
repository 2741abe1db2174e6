// The rules for changing an open checkout (organization, client and confirmation updates) and
// for confirming it.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { acceptsNull } from "../../defaults";
import { invalid, polarError, validationFailure } from "../../errors";
import type { Issue } from "../../validate";
import { customFieldDataOf, validateCustomFieldData } from "../catalog";
import { currentPrice, currentProduct, notOpen, recompute, successUrl } from "./checkout-state";
import { isActive } from "./customer-state";
import { liveCustomers, taxId } from "./customers";
import { storedDiscount, validatedDiscount } from "./discounts";
import { primaryPrice, seatBounds } from "./products";
import {
  address,
  type Checkout,
  customerMetadata,
  KIND,
  metadata,
  type Organization,
  type Price,
  type Product,
  type Subscription,
} from "./shared";

type CheckoutUpdate = Schema<"CheckoutUpdate">;
type CheckoutUpdatePublic = Schema<"CheckoutUpdatePublic">;
export type CheckoutConfirm = Schema<"CheckoutConfirmStripe">;
type AnyUpdate = CheckoutUpdate | CheckoutUpdatePublic | CheckoutConfirm;

/** A custom price's amount must stay within its bounds (the API's 422 with `ge`/`le`). */
export function checkAmount(price: Price | undefined, amount: number) {
  if (price?.amount_type !== "custom") return;
  if (amount < price.minimum_amount) {
    throw validationFailure([
      { loc: ["body", "amount"], msg: "Amount is below minimum.", type: "greater_than_equal", input: amount },
    ]);
  }
  if (price.maximum_amount != null && amount > price.maximum_amount) {
    throw validationFailure([
      { loc: ["body", "amount"], msg: "Amount is above maximum.", type: "less_than_equal", input: amount },
    ]);
  }
}

export function checkSeats(price: Price | undefined, seats: number) {
  if (price?.amount_type !== "seat_based") return;
  const { min, max } = seatBounds(price);
  if (seats < min || (max !== null && seats > max)) {
    const msg = max === null ? `Seats must be at least ${min}.` : `Seats must be between ${min} and ${max}.`;
    throw invalid(["body", "seats"], msg, "value_error", seats);
  }
}

/**
 * With the organization's default of one subscription per customer, a customer (by id or email)
 * who already has an active subscription cannot buy another recurring product.
 */
export function assertSubscriptionUnique(state: EmulatorState, c: Checkout): void {
  const organization = state.store.find<Organization>(KIND.organization, c.organization_id);
  if (organization?.subscription_settings?.allow_multiple_subscriptions) return;
  if (!currentProduct(c)?.is_recurring || c.subscription_id) return;
  const email = c.customer_email?.toLowerCase();
  const customers = liveCustomers(state, c.organization_id).filter(
    (customer) => customer.id === c.customer_id || (!c.customer_id && email && customer.email?.toLowerCase() === email),
  );
  const taken = customers.some((customer) =>
    state.store.all<Subscription>(KIND.subscription, { customerId: customer.id }).some(isActive),
  );
  if (taken) throw polarError(403, "AlreadyActiveSubscriptionError", "You already have an active subscription.");
}

/**
 * Custom field data checked by the catalog's rules. Required fields are only enforced when
 * confirming (an unticked required checkbox included); before that they may be left empty.
 */
export function customFields(state: EmulatorState, product: Product, data: unknown, requireAll: boolean) {
  const issues = validateCustomFieldData(state, product, data).filter(
    (issue) => requireAll || !(issue.type === "missing" || (issue.type === "literal_error" && issue.input === false)),
  );
  if (issues.length) throw validationFailure(issues);
  return customFieldDataOf(state, product, data) as Checkout["custom_field_data"];
}

/** Switches the checkout to one of its products (and a price of it), as `product_id` updates do. */
function selectProduct(c: Checkout, productId: string, priceId: string | null | undefined): Checkout {
  const product = c.products.find((p) => p.id === productId) as Product | undefined;
  if (!product) {
    throw invalid(["body", "product_id"], "Product is not available in this checkout.", "value_error", productId);
  }
  if (product.is_archived) throw invalid(["body", "product_id"], "Product is archived.", "value_error", productId);
  const prices = (c.prices?.[productId] ?? product.prices) as Price[];
  const price = priceId ? prices.find((p) => p.id === priceId) : primaryPrice(prices);
  if (!price) {
    throw invalid(["body", "product_price_id"], "Price is not available in this checkout.", "value_error", priceId);
  }
  const changed = productId !== c.product_id || price.id !== c.product_price_id;
  return {
    ...c,
    product_id: productId,
    product_price_id: price.id,
    // A new price starts from its own amount and seat defaults.
    ...(changed && { amount: price.amount_type === "custom" ? (price.preset_amount ?? null) : 0, seats: null }),
  } as Checkout;
}

/**
 * Applies an update of the organization (`CheckoutUpdate`), of the client (`CheckoutUpdatePublic`)
 * or a confirmation's own fields, with the API's rules; the checkout must be open.
 */
export function applyUpdate(
  state: EmulatorState,
  input: Checkout,
  body: AnyUpdate,
  mode: "organization" | "client" | "confirm",
): Checkout {
  if (input.status !== "open") throw notOpen(input);
  let c: Checkout = { ...input };
  if (body.product_id) c = selectProduct(c, body.product_id, body.product_price_id);
  else if (body.product_price_id && c.product_id) c = selectProduct(c, c.product_id, body.product_price_id);
  const price = currentPrice(recompute(state, c));
  if (body.amount != null && price?.amount_type === "custom") {
    checkAmount(price, body.amount);
    c.amount = body.amount;
  }
  if (body.seats != null && price?.amount_type === "seat_based") {
    checkSeats(price, body.seats);
    c.seats = body.seats;
  }
  const product = currentProduct(c) as Product;
  if (mode === "organization") {
    const org = body as CheckoutUpdate;
    if (org.discount_id) {
      c.discount_id = validatedDiscount(state, product, price, { id: org.discount_id }, c.customer_id).id;
    } else if (org.discount_id === null) c.discount_id = null;
    for (const field of [
      "allow_discount_codes",
      "require_billing_address",
      "allow_trial",
      "trial_interval",
      "trial_interval_count",
      "success_url",
      "return_url",
      "embed_origin",
      "customer_ip_address",
    ] as const) {
      const value = org[field];
      if (value !== undefined && (value !== null || acceptsNull("Checkout", field))) {
        (c as Record<string, unknown>)[field] = value;
      }
    }
    if (org.success_url !== undefined) c.success_url = successUrl(state, org.success_url, c.id, c.client_secret);
    if (org.metadata !== undefined) c.metadata = metadata(org.metadata);
    if (org.customer_metadata != null) c.customer_metadata = customerMetadata(org.customer_metadata);
  } else {
    const client = body as CheckoutUpdatePublic;
    if (client.discount_code && c.allow_discount_codes) {
      c.discount_id = validatedDiscount(state, product, price, { code: client.discount_code }, c.customer_id).id;
    } else if (client.discount_code === null && c.allow_discount_codes) {
      c.discount_id = null;
    }
    if (client.allow_trial === false) c.allow_trial = false;
    if (client.payment_method_type !== undefined) c.payment_method_type = client.payment_method_type;
  }
  // Switching to a product the discount does not cover drops the discount.
  if (c.discount_id && c.product_id !== input.product_id) {
    const discount = storedDiscount(state, c.discount_id);
    if (discount?.products.length && !discount.products.some((p) => p.id === c.product_id)) c.discount_id = null;
  }
  if (body.is_business_customer != null) c.is_business_customer = body.is_business_customer;
  if (body.customer_name !== undefined) c.customer_name = body.customer_name;
  if (body.customer_email !== undefined && !c.customer_id) c.customer_email = body.customer_email;
  if (body.customer_billing_name !== undefined) c.customer_billing_name = body.customer_billing_name;
  if (body.customer_billing_address) c.customer_billing_address = address(body.customer_billing_address);
  if (body.locale !== undefined) c.locale = body.locale;
  if (body.customer_tax_id === null) c.customer_tax_id = null;
  else if (body.customer_tax_id) {
    c.customer_tax_id = taxId(body.customer_tax_id, c.customer_billing_address?.country, [
      "body",
      "customer_billing_address",
    ])?.[0] as string;
  }
  if (body.custom_field_data != null) {
    c.custom_field_data = customFields(state, product, body.custom_field_data, mode === "confirm");
  }
  const updated = recompute(state, c);
  assertSubscriptionUnique(state, updated);
  return updated;
}

/**
 * What a confirmation needs before charging, as 422 issues: an email always; a name and a billing
 * address (with the fields the country requires) when a payment form is shown; required custom
 * fields; an amount for pay-what-you-want prices.
 */
export function confirmIssues(state: EmulatorState, c: Checkout): Issue[] {
  const issues: Issue[] = [];
  const missing = (loc: (string | number)[]) =>
    issues.push({ loc, msg: "Field is required.", type: "missing", input: null });
  if (!c.customer_email) missing(["body", "customer_email"]);
  if (c.is_payment_form_required) {
    if (!c.customer_name) missing(["body", "customer_name"]);
    if (!c.customer_billing_address) missing(["body", "customer_billing_address"]);
    else {
      for (const [field, mode] of Object.entries(c.billing_address_fields)) {
        const value = (c.customer_billing_address as Record<string, unknown>)[field];
        if (mode === "required" && !value) missing(["body", "customer_billing_address", field]);
      }
    }
  }
  const price = c.product_price as Price | null;
  if (price?.amount_type === "custom" && c.amount == null) missing(["body", "amount"]);
  const product = currentProduct(c);
  if (product) issues.push(...validateCustomFieldData(state, product, c.custom_field_data));
  return issues;
}
