import type { Schema } from "@polar-kit/core";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { invalid, polarError, validationFailure } from "../../errors";
import { secret, uuid } from "../../ids";
import { matches, paginate, sortBy } from "../../pagination";
import type { Issue } from "../../validate";
import { applyUpdate, checkAmount, checkSeats, customFields } from "./checkout-rules";
import {
  CHECKOUT_TTL_MS,
  checkoutUrl,
  expireIfDue,
  findBySecret,
  recompute,
  saveCheckout,
  successUrl,
  toPublic,
} from "./checkout-state";
import { findByExternalId, getCustomer, taxId } from "./customers";
import { validatedDiscount } from "./discounts";
import { adHocPrices, findProduct, primaryPrice } from "./products";
import {
  address,
  type Checkout,
  type Customer,
  customerMetadata,
  iso,
  KIND,
  metadata,
  type Price,
  type Product,
  type Subscription,
} from "./shared";

type CheckoutCreate = Schema<"CheckoutProductsCreate">;

function validatedProducts(state: EmulatorState, organizationId: string, ids: string[]): Product[] {
  const issues: Issue[] = [];
  const products: Product[] = [];
  ids.forEach((id, index) => {
    const product = findProduct(state, organizationId, id);
    if (!product)
      issues.push({ loc: ["body", "products", index], msg: "Product does not exist.", type: "value_error", input: id });
    else if (product.is_archived)
      issues.push({ loc: ["body", "products", index], msg: "Product is archived.", type: "value_error", input: id });
    else if (!products.some((p) => p.id === product.id)) products.push(product);
  });
  if (!ids.length)
    issues.push({
      loc: ["body", "products"],
      msg: "List should have at least 1 item after validation, not 0",
      type: "too_short",
      input: ids,
    });
  if (issues.length) throw validationFailure(issues);
  return products;
}

export interface CheckoutInput extends Partial<CheckoutCreate> {
  products: string[];
}

/** Opens a checkout session for the organization: the `checkouts:create` rules (also used by checkout links). */
export function openCheckout(state: EmulatorState, organizationId: string, body: CheckoutInput): Checkout {
  const at = state.clock.now();
  const now = iso(at);
  const products = validatedProducts(state, organizationId, body.products);
  const first = products[0] as Product;
  const prices: Record<string, Price[]> = {};
  for (const product of products) {
    const adHoc = body.prices?.[product.id];
    prices[product.id] = adHoc?.length
      ? adHocPrices(product, adHoc, now)
      : product.prices.filter((p) => !p.is_archived);
  }
  const price = primaryPrice(prices[first.id] ?? []);
  if (body.amount != null && price) checkAmount(price, body.amount);
  if (body.seats != null && price) checkSeats(price, body.seats);
  let customer: Customer | undefined;
  if (body.customer_id) {
    customer = state.store.find<Customer>(KIND.customer, body.customer_id);
    if (!customer || customer.organization_id !== organizationId || customer.deleted_at) {
      throw invalid(["body", "customer_id"], "Customer does not exist.", "value_error", body.customer_id);
    }
  } else if (body.external_customer_id) {
    customer = findByExternalId(state, organizationId, body.external_customer_id);
  }
  if (body.subscription_id) {
    const subscription = state.store.find<Subscription>(KIND.subscription, body.subscription_id);
    if (!subscription || subscription.product.organization_id !== organizationId) {
      throw invalid(["body", "subscription_id"], "Subscription does not exist.", "value_error", body.subscription_id);
    }
    if (subscription.amount > 0) {
      throw invalid(
        ["body", "subscription_id"],
        "Only free subscriptions can be upgraded.",
        "value_error",
        body.subscription_id,
      );
    }
    customer = getCustomer(state, organizationId, subscription.customer_id);
  }
  const billing = address(body.customer_billing_address) ?? customer?.billing_address ?? null;
  const id = uuid();
  const clientSecret = secret("polar_c_");
  const draft = build("Checkout", now, {
    id,
    created_at: now,
    modified_at: null,
    custom_field_data: {},
    payment_processor: "stripe",
    status: "open",
    client_secret: clientSecret,
    url: checkoutUrl(state, clientSecret),
    expires_at: iso(new Date(at.getTime() + CHECKOUT_TTL_MS)),
    success_url: successUrl(state, body.success_url, id, clientSecret),
    return_url: body.return_url ?? null,
    embed_origin: body.embed_origin ?? null,
    amount: body.amount ?? null,
    seats: body.seats ?? null,
    min_seats: body.min_seats ?? null,
    max_seats: body.max_seats ?? null,
    currency: price?.price_currency ?? "usd",
    allow_trial: body.allow_trial ?? true,
    organization_id: organizationId,
    product_id: first.id,
    product_price_id: price?.id ?? null,
    discount_id: null,
    allow_discount_codes: body.allow_discount_codes ?? true,
    require_billing_address: body.require_billing_address ?? false,
    customer_id: customer?.id ?? null,
    is_business_customer: body.is_business_customer ?? false,
    customer_name: body.customer_name ?? customer?.name ?? null,
    customer_email: body.customer_email ?? customer?.email ?? null,
    customer_ip_address: body.customer_ip_address ?? null,
    customer_billing_name: body.customer_billing_name ?? customer?.billing_name ?? null,
    customer_billing_address: billing,
    customer_tax_id: body.customer_tax_id
      ? (taxId(body.customer_tax_id, billing?.country, ["body", "customer_billing_address"])?.[0] ?? null)
      : (customer?.tax_id?.[0] ?? null),
    locale: body.locale ?? null,
    payment_method_type: null,
    payment_processor_metadata: { publishable_key: "pk_test_polar_kit_emulator" },
    trial_interval: body.trial_interval ?? null,
    trial_interval_count: body.trial_interval_count ?? null,
    metadata: metadata(body.metadata),
    external_customer_id: body.external_customer_id ?? customer?.external_id ?? null,
    products,
    prices,
    subscription_id: body.subscription_id ?? null,
    customer_metadata: customerMetadata(body.customer_metadata),
  }) as unknown as Checkout;
  const withProduct = recompute(state, draft);
  if (body.discount_id) {
    withProduct.discount_id = validatedDiscount(state, first, price, { id: body.discount_id }, customer?.id).id;
  }
  const checkout = recompute(state, withProduct);
  checkout.custom_field_data = customFields(state, first, body.custom_field_data, false);
  state.store.insert(KIND.checkout, checkout);
  state.emit(organizationId, "checkout.created", checkout);
  return checkout;
}

/** The organization's checkout by id (expired lazily when due), or 404. */
export function getCheckout(state: EmulatorState, organizationId: string, id: string): Checkout {
  const checkout = state.store.find<Checkout>(KIND.checkout, id);
  if (!checkout || checkout.organization_id !== organizationId) throw polarError(404, "ResourceNotFound", "Not found");
  return expireIfDue(state, checkout);
}

/** The checkout behind a client secret for the anonymous endpoints: 404 unknown, 410 expired. */
export function getClientCheckout(state: EmulatorState, clientSecret: string): Checkout {
  const found = findBySecret(state, clientSecret);
  if (!found) throw polarError(404, "ResourceNotFound", "Not found");
  const checkout = expireIfDue(state, found);
  if (checkout.status === "expired")
    throw polarError(410, "ExpiredCheckoutError", "This checkout session has expired.");
  return checkout;
}

export const checkoutHandlers: OperationHandlers = {
  "checkouts:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const text = typeof query.query === "string" ? query.query.toLowerCase() : null;
    const externalIds = query.external_customer_id == null ? null : [query.external_customer_id].flat();
    const items = state.store
      .all<Checkout>(KIND.checkout, { organizationId })
      .map((c) => expireIfDue(state, c))
      .filter(
        (c) =>
          matches(query.product_id, c.product_id) &&
          matches(query.customer_id, c.customer_id) &&
          (!externalIds || (c.external_customer_id != null && externalIds.includes(c.external_customer_id))) &&
          matches(query.status, c.status) &&
          (!text || [c.customer_email, c.customer_name].some((v) => v?.toLowerCase().includes(text))),
      );
    return paginate(sortBy(items, query.sorting, ["-created_at"]), query);
  },
  "checkouts:create": ({ state, subject, body }) =>
    openCheckout(state, organizationOf(subject), body as CheckoutCreate),
  "checkouts:get": ({ state, subject, params }) => getCheckout(state, organizationOf(subject), params.id as string),
  "checkouts:update": ({ state, subject, params, body }) => {
    const checkout = getCheckout(state, organizationOf(subject), params.id as string);
    return saveCheckout(state, applyUpdate(state, checkout, body, "organization"));
  },
  "checkouts:client_get": ({ state, params }) =>
    toPublic(state, getClientCheckout(state, params.client_secret as string)),
  "checkouts:client_update": ({ state, params, body }) => {
    const checkout = getClientCheckout(state, params.client_secret as string);
    return toPublic(state, saveCheckout(state, applyUpdate(state, checkout, body, "client")));
  },
};
