// Checkout links: reusable links that open a fresh checkout session each time they are followed.
import type { Schema } from "@polar-kit/core";
import type { Hono } from "hono";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { build } from "../../defaults";
import { ApiFailure, invalid, validationFailure } from "../../errors";
import { secret, uuid } from "../../ids";
import { matches, paginate, sortBy } from "../../pagination";
import type { Issue } from "../../validate";
import { applyUpdate } from "./checkout-rules";
import { saveCheckout } from "./checkout-state";
import { openCheckout } from "./checkouts";
import { embeddedDiscount } from "./discounts";
import { escapeHtml, htmlResponse, page } from "./html";
import { findProduct, findProductByPrice } from "./products";
import { type CheckoutLink, type Discount, KIND, metadata, owned, type Product, sent } from "./shared";

type LinkCreate = Schema<"CheckoutLinkCreate">;

/** The public URL of a link: the API's own redirect route, served by the emulator. */
const linkUrl = (state: EmulatorState, clientSecret: string) =>
  `${state.publicUrl()}/v1/checkout-links/${clientSecret}/redirect`;

/** The products as links embed them (`CheckoutLinkProduct`). */
function linkProducts(state: EmulatorState, organizationId: string, ids: string[], loc: string): Product[] {
  const issues: Issue[] = [];
  const products = ids.flatMap((id, index) => {
    const product = findProduct(state, organizationId, id);
    if (!product || product.is_archived) {
      issues.push({ loc: ["body", loc, index], msg: "Product does not exist.", type: "value_error", input: id });
      return [];
    }
    return [product];
  });
  if (!ids.length) issues.push({ loc: ["body", loc], msg: "At least one product is required.", type: "too_short" });
  if (issues.length) throw validationFailure(issues);
  return products;
}

function linkDiscount(state: EmulatorState, organizationId: string, discountId: string | null | undefined) {
  if (!discountId) return null;
  const discount = state.store.find<Discount>(KIND.discount, discountId);
  if (!discount || discount.organization_id !== organizationId) {
    throw invalid(["body", "discount_id"], "Discount does not exist.", "value_error", discountId);
  }
  return discount;
}

/** The product ids a create body names: `products`, or the legacy single `product_id`/`product_price_id`. */
function createProductIds(state: EmulatorState, organizationId: string, body: LinkCreate): string[] {
  if ("products" in body) return body.products;
  if ("product_id" in body) return [body.product_id];
  const product = findProductByPrice(state, organizationId, body.product_price_id);
  if (!product) {
    throw invalid(["body", "product_price_id"], "Price does not exist.", "value_error", body.product_price_id);
  }
  return [product.id];
}

function createLink(state: EmulatorState, organizationId: string, body: LinkCreate): CheckoutLink {
  const now = state.clock.iso();
  const loc = "products" in body ? "products" : "product_id" in body ? "product_id" : "product_price_id";
  const products = linkProducts(state, organizationId, createProductIds(state, organizationId, body), loc);
  const discount = linkDiscount(state, organizationId, body.discount_id);
  const clientSecret = secret("polar_cl_");
  const link = build("CheckoutLink", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    trial_interval: body.trial_interval ?? null,
    trial_interval_count: body.trial_interval_count ?? null,
    metadata: metadata(body.metadata),
    payment_processor: "stripe",
    client_secret: clientSecret,
    success_url: body.success_url ?? null,
    return_url: body.return_url ?? null,
    label: body.label ?? null,
    allow_discount_codes: body.allow_discount_codes ?? true,
    require_billing_address: body.require_billing_address ?? false,
    discount_id: discount?.id ?? null,
    seats: body.seats ?? null,
    organization_id: organizationId,
    products,
    discount: embeddedDiscount(discount),
    url: linkUrl(state, clientSecret),
  }) as unknown as CheckoutLink;
  return state.store.insert(KIND.checkoutLink, link);
}

function updateLink(state: EmulatorState, link: CheckoutLink, body: Schema<"CheckoutLinkUpdate">): CheckoutLink {
  const changes = sent(body);
  const next: CheckoutLink = { ...link, modified_at: state.clock.iso() };
  if (changes.products) next.products = linkProducts(state, link.organization_id, changes.products, "products");
  if ("discount_id" in changes) {
    const discount = linkDiscount(state, link.organization_id, changes.discount_id);
    next.discount_id = discount?.id ?? null;
    next.discount = embeddedDiscount(discount) as CheckoutLink["discount"];
  }
  if (changes.metadata !== undefined) next.metadata = metadata(changes.metadata);
  for (const field of [
    "trial_interval",
    "trial_interval_count",
    "label",
    "allow_discount_codes",
    "require_billing_address",
    "seats",
    "success_url",
    "return_url",
  ] as const) {
    if (field in changes) (next as Record<string, unknown>)[field] = changes[field] ?? null;
  }
  // `allow_discount_codes` and `require_billing_address` are not nullable: null leaves them as they were.
  next.allow_discount_codes ??= link.allow_discount_codes;
  next.require_billing_address ??= link.require_billing_address;
  return state.store.put(KIND.checkoutLink, next);
}

/** Products of the link as they are now, without the archived ones (a link may outlive some). */
const liveProducts = (state: EmulatorState, link: CheckoutLink) =>
  link.products
    .map((p) => findProduct(state, link.organization_id, p.id))
    .filter((p): p is Product => !!p && !p.is_archived);

const present = (state: EmulatorState, link: CheckoutLink): CheckoutLink => ({
  ...link,
  products: link.products.map((p) => findProduct(state, link.organization_id, p.id) ?? p) as CheckoutLink["products"],
  url: linkUrl(state, link.client_secret),
});

/**
 * Opens a checkout from a link with its settings (`checkout.created`), prefilled from the query
 * (`customer_email`, `customer_name`, `discount_code`, `reference_id` into metadata).
 */
export function openFromLink(state: EmulatorState, link: CheckoutLink, query: URLSearchParams) {
  const products = liveProducts(state, link);
  const meta = { ...link.metadata, ...(query.get("reference_id") && { reference_id: query.get("reference_id") }) };
  const checkout = openCheckout(state, link.organization_id, {
    products: products.map((p) => p.id),
    success_url: link.success_url,
    return_url: link.return_url,
    allow_discount_codes: link.allow_discount_codes,
    require_billing_address: link.require_billing_address,
    trial_interval: link.trial_interval,
    trial_interval_count: link.trial_interval_count,
    seats: link.seats,
    metadata: meta as Record<string, string>,
    customer_email: query.get("customer_email"),
    customer_name: query.get("customer_name"),
  });
  // A discount that no longer applies is ignored rather than failing the link (a savepoint undoes it).
  const code = query.get("discount_code");
  const discountId = link.discount_id;
  if (discountId || code) {
    try {
      return state.db.transaction(() => {
        const body = discountId ? { discount_id: discountId } : { discount_code: code };
        const mode = discountId ? "organization" : "client";
        return saveCheckout(state, applyUpdate(state, checkout, body, mode));
      });
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
    }
  }
  return checkout;
}

export const checkoutLinkHandlers: OperationHandlers = {
  "checkout-links:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const items = state.store
      .all<CheckoutLink>(KIND.checkoutLink, { organizationId })
      .filter((link) => !query.product_id || link.products.some((p) => matches(query.product_id, p.id)))
      .map((link) => present(state, link));
    return paginate(sortBy(items, query.sorting, ["created_at"]), query);
  },
  "checkout-links:create": ({ state, subject, body }) =>
    present(state, createLink(state, organizationOf(subject), body)),
  "checkout-links:get": ({ state, subject, params }) =>
    present(state, owned<CheckoutLink>(state, KIND.checkoutLink, params.id as string, organizationOf(subject))),
  "checkout-links:update": ({ state, subject, params, body }) => {
    const link = owned<CheckoutLink>(state, KIND.checkoutLink, params.id as string, organizationOf(subject));
    return present(state, updateLink(state, link, body));
  },
  "checkout-links:delete": ({ state, subject, params }) => {
    owned(state, KIND.checkoutLink, params.id as string, organizationOf(subject));
    state.store.remove(KIND.checkoutLink, params.id as string);
    return new Reply(204);
  },
};

/** `GET /v1/checkout-links/:client_secret/redirect`: a fresh checkout, then a redirect to its page. */
export function checkoutLinkRoutes(app: Hono, state: EmulatorState): void {
  app.get("/v1/checkout-links/:client_secret/redirect", (c) => {
    const clientSecret = c.req.param("client_secret");
    const link = state.store.all<CheckoutLink>(KIND.checkoutLink).find((l) => l.client_secret === clientSecret);
    if (!link) return c.json({ detail: "Not Found" }, 404);
    if (!liveProducts(state, link).length) {
      return htmlResponse(page("Unavailable", `<h1>${escapeHtml("This product is not available anymore.")}</h1>`), 410);
    }
    const checkout = state.db.transaction(() => openFromLink(state, link, new URL(c.req.url).searchParams));
    return c.redirect(checkout.url, 307);
  });
}
