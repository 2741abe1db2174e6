// What a checkout derives from its choices (amounts, flags, the public view), and its saving and expiry.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { polarError } from "../../errors";
import { checkoutDiscount, discountAmount, storedDiscount } from "./discounts";
import { isFreePrice, isMetered, priceAmount, seatBounds } from "./products";
import { addInterval, type Checkout, KIND, ms, type Organization, type Price, type Product } from "./shared";

/** Checkout sessions live 24 hours (`CHECKOUT_TTL_SECONDS`). */
export const CHECKOUT_TTL_MS = 24 * 60 * 60 * 1000;

/** Fields only the organization sees: the anonymous client endpoints leave them out. */
const PRIVATE = [
  "metadata",
  "customer_metadata",
  "external_customer_id",
  "subscription_id",
  "trial_interval",
  "trial_interval_count",
];

export const checkoutUrl = (state: EmulatorState, clientSecret: string) =>
  `${state.publicUrl()}/checkout/${clientSecret}`;

/** Where the emulator's own "paid" page is: the success URL of checkouts that set none. */
export const confirmationUrl = (state: EmulatorState, clientSecret: string) =>
  `${checkoutUrl(state, clientSecret)}/confirmation`;

/** `{CHECKOUT_ID}` in a success URL becomes the checkout's id, as the API formats it. */
export const successUrl = (
  state: EmulatorState,
  template: string | null | undefined,
  id: string,
  clientSecret: string,
) => (template ? template.replaceAll("{CHECKOUT_ID}", id) : confirmationUrl(state, clientSecret));

export function findBySecret(state: EmulatorState, clientSecret: string): Checkout | undefined {
  if (!clientSecret.startsWith("polar_c_")) return undefined;
  return state.store.all<Checkout>(KIND.checkout).find((c) => c.client_secret === clientSecret);
}

export const currentProduct = (c: Checkout) => c.products.find((p) => p.id === c.product_id) as Product | undefined;

export const currentPrice = (c: Checkout): Price | undefined =>
  (c.prices?.[c.product_id ?? ""] as Price[] | undefined)?.find((p) => p.id === c.product_price_id);

/** Billing address fields the checkout requires, as the API derives them (US and business need more). */
function billingAddressFields(c: Checkout): Checkout["billing_address_fields"] {
  const country = c.customer_billing_address?.country;
  const full = c.require_billing_address || c.is_business_customer || country === "US";
  const mode = (on: boolean) => (on ? "required" : "disabled");
  return {
    country: "required",
    state: country === "US" || country === "CA" ? "required" : full ? "optional" : "disabled",
    line1: mode(full),
    line2: full ? "optional" : "disabled",
    city: mode(full),
    postal_code: mode(full),
  };
}

/**
 * Recomputes everything a checkout derives from its choices: the product and price shown, the
 * amounts (tax is not emulated: 0), the trial and the flags telling the page what to ask for.
 */
export function recompute(state: EmulatorState, input: Checkout): Checkout {
  const c: Checkout = { ...input };
  // Products as they are now; ad-hoc prices belong to the checkout and stay as they were.
  c.products = c.products.map((p) => state.store.find<Product>(KIND.product, p.id) ?? (p as Product));
  const prices: Record<string, Price[]> = {};
  for (const product of c.products) {
    const own = (c.prices?.[product.id] ?? []) as Price[];
    prices[product.id] =
      own.length && own.every((p) => p.source === "ad_hoc") ? own : product.prices.filter((p) => !p.is_archived);
  }
  c.prices = prices;
  const product = currentProduct(c);
  const price = currentPrice(c);
  c.product = product ?? null;
  c.product_price = price ?? null;
  c.currency = price?.price_currency ?? c.currency ?? "usd";
  if (price?.amount_type === "seat_based") {
    const { min, max } = seatBounds(price);
    c.min_seats = c.min_seats ?? min;
    c.max_seats = c.max_seats ?? max;
    c.seats = c.seats ?? c.min_seats;
  } else {
    c.seats = null;
    c.min_seats = null;
    c.max_seats = null;
  }
  c.amount = priceAmount(price, { amount: c.amount, seats: c.seats });
  const discount = storedDiscount(state, c.discount_id);
  c.discount_id = discount?.id ?? null;
  c.discount = checkoutDiscount(discount) as Checkout["discount"];
  c.discount_amount = discountAmount(discount, c.amount, c.currency);
  c.net_amount = c.amount - c.discount_amount;
  c.tax_amount = 0;
  c.tax_behavior = null;
  c.total_amount = c.net_amount + (c.tax_amount ?? 0);
  const trialInterval = c.allow_trial && product?.is_recurring ? (c.trial_interval ?? product.trial_interval) : null;
  c.active_trial_interval = trialInterval ?? null;
  c.active_trial_interval_count = trialInterval ? (c.trial_interval_count ?? product?.trial_interval_count ?? 1) : null;
  c.trial_end = trialInterval
    ? addInterval(state.clock.now(), trialInterval, c.active_trial_interval_count ?? 1)
    : null;
  c.is_discount_applicable = !!price && ["fixed", "custom"].includes(price.amount_type);
  c.is_free_product_price = isFreePrice(price);
  c.is_payment_required = c.total_amount > 0 && c.trial_end === null;
  const metered = (prices[product?.id ?? ""] ?? []).some(isMetered);
  const fullyDiscounted =
    discount?.duration === "forever" && "basis_points" in discount && discount.basis_points === 10_000;
  c.is_payment_setup_required =
    !!product?.is_recurring && !c.is_free_product_price && !(c.amount === 0 && !metered) && !fullyDiscounted;
  c.is_payment_form_required = c.is_payment_required || c.is_payment_setup_required;
  c.billing_address_fields = billingAddressFields(c);
  c.attached_custom_fields = product?.attached_custom_fields ?? [];
  return c;
}

/** The checkout as the anonymous client endpoints show it (`CheckoutPublic`). */
export function toPublic(state: EmulatorState, c: Checkout): Schema<"CheckoutPublic"> {
  const org = state.store.find<Organization>(KIND.organization, c.organization_id);
  const out: Record<string, unknown> = { ...c };
  for (const field of PRIVATE) delete out[field];
  out.organization = {
    created_at: org?.created_at,
    modified_at: org?.modified_at ?? null,
    id: c.organization_id,
    name: org?.name ?? "",
    slug: org?.slug ?? "",
    avatar_url: org?.avatar_url ?? null,
    proration_behavior: org?.proration_behavior ?? "prorate",
    allow_customer_updates: org?.allow_customer_updates ?? true,
  };
  return out as Schema<"CheckoutPublic">;
}

/** An open checkout past its `expires_at` expires (`checkout.expired`), lazily or from the sweep. */
export function expireIfDue(state: EmulatorState, c: Checkout): Checkout {
  if (c.status !== "open" || ms(c.expires_at) > state.clock.now().getTime()) return c;
  const expired = state.store.put(KIND.checkout, { ...c, status: "expired" as const, modified_at: state.clock.iso() });
  state.emit(c.organization_id, "checkout.expired", expired);
  return expired;
}

export function sweepCheckouts(state: EmulatorState): void {
  for (const c of state.store.due<Checkout>(KIND.checkout, state.clock.now())) expireIfDue(state, c);
}

/** Saves a changed checkout and queues `checkout.updated`. */
export function saveCheckout(state: EmulatorState, c: Checkout): Checkout {
  const saved = state.store.put(KIND.checkout, { ...c, modified_at: state.clock.iso() });
  state.emit(saved.organization_id, "checkout.updated", saved);
  return saved;
}

export const notOpen = (c: Checkout) => polarError(403, "NotOpenCheckout", `Checkout ${c.id} is not open: ${c.status}`);
