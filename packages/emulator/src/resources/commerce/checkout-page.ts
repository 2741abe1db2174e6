// The hosted checkout page: `GET /checkout/:client_secret` renders a plain HTML form (no JavaScript
// needed), `POST` applies it and pays with the test card entered, then redirects 303 to the success URL.
import type { Hono } from "hono";
import { readFormFields } from "../../body";
import type { EmulatorState } from "../../context";
import { ApiFailure } from "../../errors";
import { loadSpec } from "../../spec";
import type { Issue } from "../../validate";
import { applyUpdate, type CheckoutConfirm } from "./checkout-rules";
import { currentProduct, expireIfDue, findBySecret, saveCheckout } from "./checkout-state";
import { escapeHtml, formatMoney, htmlResponse, page } from "./html";
import { completeCheckout, DECLINED_CARD } from "./purchase";
import { type Checkout, KIND, type Organization, type Price } from "./shared";

type Form = Record<string, string>;

const LABELS: Record<string, string> = {
  customer_email: "Email",
  customer_name: "Name on card",
  customer_billing_address: "Billing address",
  country: "Country",
  line1: "Address",
  line2: "Address line 2",
  city: "City",
  postal_code: "Postal code",
  state: "State",
  amount: "Amount",
  seats: "Seats",
  discount_code: "Discount code",
  product_id: "Product",
};

/** A 422 issue as a sentence a customer can act on. */
function describe(issue: Issue): string {
  const field = issue.loc.slice(1).map(String);
  const last = field.at(-1) ?? "";
  if (field[0] === "custom_field_data") return `${last}: ${issue.msg}`;
  const label = LABELS[last] ?? last;
  return issue.msg === "Field is required." ? `${label} is required.` : `${label}: ${issue.msg}`;
}

/** The country codes billing addresses accept (the spec's `AddressInput.country` enum). */
const countryCodes = (): string[] =>
  (loadSpec().document.components.schemas.AddressInput as { properties: { country: { enum: string[] } } }).properties
    .country.enum;

/** The card the form entered: its digits and expiry. */
interface FormCard {
  number: string;
  expMonth: number;
  expYear: number;
}

/** The form's card, or why it cannot be charged before even trying it. */
function parseCard(form: Form, now: Date): FormCard | string {
  const number = (form.card_number ?? "").replace(/[\s-]/g, "");
  const expiry = (form.card_expiry ?? "").trim();
  const cvc = (form.card_cvc ?? "").trim();
  if (!number || !expiry || !cvc) return "Enter your card number, expiry date (MM/YY) and security code (CVC).";
  if (!/^\d{12,19}$/.test(number) || !luhn(number)) return "Your card number is invalid.";
  const match = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(expiry);
  const month = Number(match?.[1]);
  if (!match || month < 1 || month > 12) return "Enter the expiry date as MM/YY.";
  const year = match[2]?.length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
  // A card is valid through the last day of its expiry month.
  if (Date.UTC(year, month, 1) <= now.getTime()) return "Your card has expired.";
  if (!/^\d{3,4}$/.test(cvc)) return "Your card's security code (CVC) is invalid.";
  return { number, expMonth: month, expYear: year };
}

/** Why a card cannot be charged before even trying it, or null. */
export function cardProblem(form: Form, now: Date): string | null {
  const card = parseCard(form, now);
  return typeof card === "string" ? card : null;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The form's fields as a confirmation body, with the page's own checks (422 issues) on top. */
function formToUpdate(c: Checkout, form: Form): { body: CheckoutConfirm; issues: Issue[] } {
  const issues: Issue[] = [];
  const body: CheckoutConfirm = {};
  const text = (name: string) => (form[name] ?? "").trim();
  if (form.product_id && c.products.some((p) => p.id === form.product_id)) body.product_id = form.product_id;
  if (text("amount")) {
    const amount = Math.round(Number(text("amount").replace(",", ".")) * 100);
    if (!Number.isFinite(amount) || amount < 0 || amount > 2 ** 31) {
      issues.push({ loc: ["body", "amount"], msg: "Enter a valid amount.", type: "value_error" });
    } else body.amount = amount;
  }
  if (text("seats")) {
    const seats = Number(text("seats"));
    if (!Number.isInteger(seats) || seats < 1 || seats > 10_000) {
      issues.push({ loc: ["body", "seats"], msg: "Enter a whole number of seats.", type: "value_error" });
    } else body.seats = seats;
  }
  if (!c.customer_id) {
    const email = text("customer_email");
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      issues.push({ loc: ["body", "customer_email"], msg: "Enter a valid email address.", type: "value_error" });
    } else body.customer_email = email || null;
  }
  if (text("customer_name").length > 256) {
    issues.push({ loc: ["body", "customer_name"], msg: "Use at most 256 characters.", type: "value_error" });
  } else if ("customer_name" in form) body.customer_name = text("customer_name") || null;
  if (text("country")) {
    if (!countryCodes().includes(text("country"))) {
      issues.push({
        loc: ["body", "customer_billing_address", "country"],
        msg: "Choose a country.",
        type: "value_error",
      });
    } else {
      const field = (name: string) => text(name) || null;
      body.customer_billing_address = {
        country: text("country") as never,
        line1: field("line1"),
        line2: field("line2"),
        city: field("city"),
        postal_code: field("postal_code"),
        state: field("state"),
      };
    }
  }
  if (c.allow_discount_codes) {
    if (text("discount_code")) body.discount_code = text("discount_code");
    // Clearing the field removes a code the customer entered, not a discount the merchant set.
    else if ("discount_code" in form && c.discount?.code) body.discount_code = null;
  }
  const data: Record<string, string | number | boolean | null> = {};
  for (const { custom_field: field } of c.attached_custom_fields ?? []) {
    const raw = form[`custom_field_data.${field.slug}`];
    if (field.type === "checkbox") data[field.slug] = raw === "on" || raw === "true";
    else if (raw === undefined || raw.trim() === "") data[field.slug] = null;
    else if (field.type === "number") data[field.slug] = Number.isInteger(Number(raw)) ? Number(raw) : raw;
    else data[field.slug] = raw.trim();
  }
  if (Object.keys(data).length) body.custom_field_data = data;
  return { body, issues };
}

const input = (name: string, label: string, value: unknown, attrs = "") =>
  `<label for="${name}">${escapeHtml(label)}</label><input id="${name}" name="${name}" value="${escapeHtml(value ?? "")}" ${attrs}>`;

function customFields(c: Checkout, values: Form): string {
  return (c.attached_custom_fields ?? [])
    .map(({ custom_field: field, required }) => {
      const name = `custom_field_data.${field.slug}`;
      const props = field.properties as { form_label?: string; options?: { value: string; label: string }[] };
      const label = `${props.form_label ?? field.name}${required ? "" : " (optional)"}`;
      const value = values[name] ?? c.custom_field_data?.[field.slug] ?? "";
      switch (field.type) {
        case "checkbox": {
          const checked = value === true || value === "on" || value === "true";
          return `<label class="choice"><input type="checkbox" name="${escapeHtml(name)}" ${checked ? "checked" : ""}> ${escapeHtml(label)}</label>`;
        }
        case "select": {
          const options = (props.options ?? [])
            .map(
              (o) =>
                `<option value="${escapeHtml(o.value)}" ${o.value === value ? "selected" : ""}>${escapeHtml(o.label)}</option>`,
            )
            .join("");
          return `<label>${escapeHtml(label)}<select name="${escapeHtml(name)}"><option value=""></option>${options}</select></label>`;
        }
        case "number":
          return input(escapeHtml(name), label, value, 'type="number" step="1"');
        case "date":
          return input(escapeHtml(name), label, value, 'type="date"');
        default:
          return input(escapeHtml(name), label, value, 'type="text"');
      }
    })
    .join("");
}

function countrySelect(selected: string): string {
  const options = countryCodes()
    .map((code) => `<option value="${code}" ${code === selected ? "selected" : ""}>${code}</option>`)
    .join("");
  return `<label for="country">Country</label><select id="country" name="country"><option value=""></option>${options}</select>`;
}

function priceLabel(price: Price | undefined, currency: string): string {
  if (!price) return "";
  switch (price.amount_type) {
    case "fixed":
      return price.price_amount === 0 ? "Free" : formatMoney(price.price_amount, currency);
    case "custom":
      return "Pay what you want";
    case "seat_based":
      return "Per seat";
    default:
      return "Usage-based";
  }
}

/** The checkout form, filled with `values` (what was just entered) or the checkout's own data. */
export function renderCheckout(state: EmulatorState, c: Checkout, values: Form = {}, errors: string[] = []): string {
  const org = state.store.find<Organization>(KIND.organization, c.organization_id);
  const product = currentProduct(c);
  const price = c.product_price as Price | null;
  const value = (name: string, fallback: unknown) => String(values[name] ?? fallback ?? "");
  const a = c.customer_billing_address;
  // Which address fields are needed depends on the country (and on business purchases).
  const label = (field: keyof Checkout["billing_address_fields"], text: string) =>
    c.billing_address_fields[field] === "required" ? text : `${text} (optional)`;
  const interval = product?.recurring_interval
    ? ` / ${(product.recurring_interval_count ?? 1) > 1 ? `${product.recurring_interval_count} ` : ""}${product.recurring_interval}`
    : "";
  const products =
    c.products.length > 1
      ? `<fieldset><legend>Choose a product</legend>${c.products
          .map((p) => {
            const first = (c.prices?.[p.id] as Price[] | undefined)?.[0];
            const checked = (values.product_id ?? c.product_id) === p.id ? "checked" : "";
            return `<label class="choice"><input type="radio" name="product_id" value="${escapeHtml(p.id)}" ${checked}> ${escapeHtml(p.name)} <span class="muted">${escapeHtml(priceLabel(first, c.currency))}</span></label>`;
          })
          .join("")}</fieldset>`
      : "";
  const seats =
    price?.amount_type === "seat_based"
      ? input("seats", "Seats", value("seats", c.seats), `type="number" min="${c.min_seats ?? 1}" step="1"`)
      : "";
  const amount =
    price?.amount_type === "custom"
      ? input(
          "amount",
          `Amount (${c.currency.toUpperCase()})`,
          value("amount", (c.amount / 100).toFixed(2)),
          'inputmode="decimal"',
        )
      : "";
  const email = c.customer_id
    ? `<label>Email</label><p>${escapeHtml(c.customer_email)}</p>`
    : input("customer_email", "Email", value("customer_email", c.customer_email), 'type="email" autocomplete="email"');
  const billing =
    c.is_payment_form_required || c.require_billing_address
      ? `<fieldset><legend>Billing details</legend>
${input("customer_name", "Name on card", value("customer_name", c.customer_name), 'autocomplete="name"')}
${countrySelect(value("country", a?.country))}
${input("line1", label("line1", "Address"), value("line1", a?.line1))}
${input("line2", label("line2", "Address line 2"), value("line2", a?.line2))}
<div class="row"><div>${input("postal_code", label("postal_code", "Postal code"), value("postal_code", a?.postal_code))}</div>
<div>${input("city", label("city", "City"), value("city", a?.city))}</div></div>
${input("state", label("state", "State / province"), value("state", a?.state))}
</fieldset>`
      : input("customer_name", "Name (optional)", value("customer_name", c.customer_name));
  const discount =
    c.allow_discount_codes && c.is_discount_applicable
      ? input("discount_code", "Discount code (optional)", value("discount_code", c.discount?.code))
      : "";
  const trial = c.trial_end
    ? `<p class="ok">Free trial until ${escapeHtml(c.trial_end.slice(0, 10))}: nothing is charged today.</p>`
    : "";
  // Entered card fields come back after an error, except the security code (never echoed).
  const card = c.is_payment_form_required
    ? `<fieldset><legend>Card</legend>
${input("card_number", "Card number", values.card_number ?? "", 'inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242"')}
<div class="row"><div>${input("card_expiry", "Expiry (MM/YY)", values.card_expiry ?? "", 'autocomplete="cc-exp" placeholder="12/34"')}</div>
<div>${input("card_cvc", "CVC", "", 'inputmode="numeric" autocomplete="cc-csc" placeholder="123"')}</div></div>
<p class="muted">Test mode: ${escapeHtml("4242 4242 4242 4242")} pays, ${escapeHtml(DECLINED_CARD.replace(/(\d{4})/g, "$1 ").trim())} is declined.</p>
</fieldset>`
    : "";
  const summary = `<table>
<tr><td>${escapeHtml(product?.name ?? "")}${c.seats ? ` × ${c.seats}` : ""}</td><td>${formatMoney(c.amount, c.currency)}${escapeHtml(interval)}</td></tr>
${c.discount_amount ? `<tr><td>Discount${c.discount ? ` (${escapeHtml(c.discount.name)})` : ""}</td><td>-${formatMoney(c.discount_amount, c.currency)}</td></tr>` : ""}
<tr><td>Tax</td><td>${formatMoney(c.tax_amount ?? 0, c.currency)}</td></tr>
<tr class="total"><td>Total</td><td>${formatMoney(c.total_amount, c.currency)}</td></tr>
</table>`;
  const errorBox = errors.length
    ? `<div class="error" role="alert">${errors.map((e) => `<p>${escapeHtml(e)}</p>`).join("")}</div>`
    : "";
  const pay = c.is_payment_required
    ? `Pay ${formatMoney(c.total_amount, c.currency)}`
    : trial
      ? "Start trial"
      : "Get it free";
  return page(
    `Checkout · ${org?.name ?? ""}`,
    `<h1>${escapeHtml(org?.name ?? "")}</h1>
<p>${escapeHtml(product?.name ?? "")}${product?.description ? ` · <span class="muted">${escapeHtml(product.description)}</span>` : ""}</p>
${errorBox}
<form method="post" action="/checkout/${escapeHtml(c.client_secret)}">
${products}${seats}${amount}
<h2>Contact</h2>${email}
${billing}
${customFields(c, values)}
${discount}
<h2>Summary</h2>${summary}${trial}
${card}
<button type="submit" name="action" value="pay">${escapeHtml(pay)}</button>
<button type="submit" name="action" value="update" class="secondary">Update total</button>
</form>`,
  );
}

function message(title: string, text: string, status: number): Response {
  return htmlResponse(page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`), status);
}

function paidPage(state: EmulatorState, c: Checkout): Response {
  const org = state.store.find<Organization>(KIND.organization, c.organization_id);
  const product = currentProduct(c);
  return htmlResponse(
    page(
      "Payment successful",
      `<h1>Thank you!</h1><p class="ok">Your purchase of ${escapeHtml(product?.name ?? "")} from ${escapeHtml(org?.name ?? "")} is confirmed.</p>
<p>Total: ${formatMoney(c.total_amount, c.currency)} · a receipt was sent to ${escapeHtml(c.customer_email)}.</p>`,
    ),
  );
}

type Outcome =
  | { kind: "redirect"; location: string }
  | { kind: "render"; checkout: Checkout; status: number; errors: string[] }
  | { kind: "message"; title: string; text: string; status: number };

/** One POST of the form, in one transaction: either everything it did is kept, or nothing. */
function submit(state: EmulatorState, clientSecret: string, form: Form): Outcome {
  const found = findBySecret(state, clientSecret);
  if (!found)
    return { kind: "message", title: "Checkout not found", text: "This checkout does not exist.", status: 404 };
  const checkout = state.db.transaction(() => expireIfDue(state, found));
  if (checkout.status === "expired") {
    return { kind: "message", title: "Checkout expired", text: "This checkout session has expired.", status: 410 };
  }
  if (checkout.status !== "open") {
    return { kind: "message", title: "Checkout closed", text: "This checkout is not open anymore.", status: 403 };
  }
  const { body, issues } = formToUpdate(checkout, form);
  if (issues.length) return { kind: "render", checkout, status: 422, errors: issues.map(describe) };
  const paying = form.action !== "update";
  try {
    return state.db.transaction((): Outcome => {
      const updated = applyUpdate(state, checkout, body, paying ? "confirm" : "client");
      if (!paying) return { kind: "render", checkout: saveCheckout(state, updated), status: 200, errors: [] };
      // A free checkout takes no card: whatever the form holds is ignored.
      const card = updated.is_payment_form_required ? parseCard(form, state.clock.now()) : null;
      if (typeof card === "string") return { kind: "render", checkout: updated, status: 422, errors: [card] };
      const payment = card
        ? {
            declined: card.number === DECLINED_CARD,
            card: { last4: card.number.slice(-4), expMonth: card.expMonth, expYear: card.expYear },
          }
        : { declined: false };
      const { checkout: paid } = completeCheckout(state, updated, payment);
      return { kind: "redirect", location: paid.success_url };
    });
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    const failure = error.body as { error?: string; detail?: unknown };
    const current = state.store.find<Checkout>(KIND.checkout, checkout.id) ?? checkout;
    if (failure.error === "PaymentError") {
      return {
        kind: "render",
        checkout: current,
        status: 402,
        errors: ["Your card was declined. Try another card."],
      };
    }
    const errors = Array.isArray(failure.detail)
      ? (failure.detail as Issue[]).map(describe)
      : [String(failure.detail ?? "Something went wrong.")];
    return { kind: "render", checkout: current, status: error.status === 422 ? 422 : error.status, errors };
  }
}

/** Mounts the hosted checkout page and its confirmation page. */
export function checkoutPageRoutes(app: Hono, state: EmulatorState): void {
  app.get("/checkout/:client_secret", (c) => {
    const found = findBySecret(state, c.req.param("client_secret"));
    if (!found) return message("Checkout not found", "This checkout does not exist.", 404);
    const checkout = state.db.transaction(() => expireIfDue(state, found));
    if (checkout.status === "expired") return message("Checkout expired", "This checkout session has expired.", 410);
    if (checkout.status === "succeeded") return paidPage(state, checkout);
    if (checkout.status !== "open") return message("Checkout closed", "This checkout is not open anymore.", 403);
    return htmlResponse(renderCheckout(state, checkout));
  });

  app.post("/checkout/:client_secret", async (c) => {
    // A URL-encoded form is the page's only encoding.
    const form = await readFormFields(c.req.raw);
    const outcome = submit(state, c.req.param("client_secret"), form);
    switch (outcome.kind) {
      case "redirect":
        return new Response(null, { status: 303, headers: { location: outcome.location } });
      case "message":
        return message(outcome.title, outcome.text, outcome.status);
      default:
        return htmlResponse(renderCheckout(state, outcome.checkout, form, outcome.errors), outcome.status);
    }
  });

  app.get("/checkout/:client_secret/confirmation", (c) => {
    const checkout = findBySecret(state, c.req.param("client_secret"));
    if (!checkout) return message("Checkout not found", "This checkout does not exist.", 404);
    if (checkout.status !== "succeeded") {
      return message("Payment pending", "This checkout has not been paid yet.", 200);
    }
    return paidPage(state, checkout);
  });
}
