// The hosted Customer Portal page (`CustomerSession.customer_portal_url`): a server-rendered page
// of the session's orders, subscriptions, license keys, benefits and downloads. Its forms post
// to `/portal/...` with the session token in a hidden field (or the cookie the page sets) and make
// their changes through the same functions as the Customer Portal API, so webhooks are identical.
import type { Context, Hono } from "hono";
import { authenticate } from "../../auth";
import { readFormFields } from "../../body";
import type { EmulatorState } from "../../context";
import { ApiFailure } from "../../errors";
import { escapeHtml, formatMoney, htmlResponse, page } from "../commerce/html";
import { type Customer, KIND, type Organization, type Product, type Subscription } from "../commerce/shared";
import { isBillable } from "../commerce/subscription-lifecycle";
import { customerGrants, customerLicenseKeys } from "./benefits";
import { sessionOfToken } from "./customer-api";
import { customerDownloadables } from "./downloads";
import { customerOrders, receiptUrl } from "./orders";
import { billingCustomer, sessionCustomer } from "./scope";
import { changeSubscription, customerSubscriptions } from "./subscriptions";

const COOKIE = "polar_portal_session";
const TOKEN_FIELD = "customer_session_token";

const NOTICES: Record<string, string> = {
  canceled: "Your subscription will be canceled at the end of the billing period.",
  resumed: "Your subscription will continue.",
  changed: "Your plan was changed.",
};

const EXTRA_STYLE = `<style>
main{max-width:46rem}section{margin-top:1.5rem}
table{font-size:.92rem}th{text-align:left;font-weight:600;padding:.3rem 0;border-bottom:1px solid #ddd}
td{padding:.35rem .5rem .35rem 0;vertical-align:top}td:last-child{text-align:left}
form.inline{display:inline}form.inline button{width:auto;margin:.25rem .25rem 0 0;padding:.35rem .8rem;font-size:.9rem}
.sub{border:1px solid #ddd;border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}
.sub select{width:auto;display:inline-block;padding:.3rem}code{font-size:.9rem;word-break:break-all}
.empty{color:#666;font-style:italic}
</style>`;

/** The customer of a customer or member session token, or `undefined` when it is unknown, expired or neither. */
function customerOfToken(state: EmulatorState, token: string | undefined): Customer | undefined {
  if (!token || !/^polar_(cst|mst)_[A-Za-z0-9]+$/.test(token)) return undefined;
  try {
    const subject = authenticate(state.db, `Bearer ${token}`, state.clock.now());
    return subject.type === "Customer" || subject.type === "Member" ? sessionCustomer(state, subject) : undefined;
  } catch (error) {
    if (error instanceof ApiFailure) return undefined;
    throw error;
  }
}

function cookieToken(c: Context): string | undefined {
  const header = c.req.header("cookie") ?? "";
  for (const part of header.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

const expiredPage = () =>
  htmlResponse(
    page(
      "Session expired",
      `<h1>Session expired</h1><p>This customer portal link is invalid or has expired. Ask the merchant for a new link.</p>`,
    ),
    401,
  );

const date = (value: string | null | undefined) => escapeHtml(value ? value.slice(0, 10) : "—");

const hidden = (token: string) => `<input type="hidden" name="${TOKEN_FIELD}" value="${escapeHtml(token)}">`;

function actionForm(token: string, subscription: Subscription, action: string, label: string, extra = ""): string {
  return `<form class="inline" method="post" action="/portal/subscriptions/${escapeHtml(subscription.id)}/${action}">${hidden(token)}${extra}<button type="submit"${action === "cancel" ? ' class="secondary"' : ""}>${escapeHtml(label)}</button></form>`;
}

function subscriptionBlock(state: EmulatorState, token: string, customer: Customer, s: Subscription): string {
  const interval =
    s.recurring_interval_count === 1 ? s.recurring_interval : `${s.recurring_interval_count} ${s.recurring_interval}s`;
  const lines = [
    `<strong>${escapeHtml(s.product.name)}</strong> · ${escapeHtml(formatMoney(s.amount, s.currency))} / ${escapeHtml(interval)}`,
    `<div class="muted">Status: ${escapeHtml(s.status)}${
      s.cancel_at_period_end
        ? ` · cancels on ${date(s.ends_at ?? s.current_period_end)}`
        : s.ended_at
          ? ` · ended on ${date(s.ended_at)}`
          : ` · renews on ${date(s.current_period_end)}`
    }</div>`,
  ];
  if (isBillable(s) && !s.ended_at) {
    lines.push(
      s.cancel_at_period_end
        ? actionForm(token, s, "uncancel", "Resume subscription")
        : actionForm(token, s, "cancel", "Cancel subscription"),
    );
    const others = state.store
      .all<Product>(KIND.product, { organizationId: customer.organization_id })
      .filter((p) => p.is_recurring && !p.is_archived && p.visibility === "public" && p.id !== s.product_id);
    if (others.length && !s.cancel_at_period_end) {
      const options = others.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)}</option>`).join("");
      lines.push(
        `<form class="inline" method="post" action="/portal/subscriptions/${escapeHtml(s.id)}/change">${hidden(token)}<label class="choice">Change plan: <select name="product_id">${options}</select><button type="submit">Change plan</button></label></form>`,
      );
    }
  }
  return `<div class="sub" id="subscription-${escapeHtml(s.id)}">${lines.join("\n")}</div>`;
}

/** The "Back" link to the session's `return_url`; only web URLs become links (no `javascript:`). */
const backLink = (url: string | null | undefined) =>
  url && /^https?:\/\//i.test(url) ? `<p><a href="${escapeHtml(url)}">&larr; Back</a></p>` : "";

/** The whole portal page of a customer. */
function renderPortal(
  state: EmulatorState,
  customer: Customer,
  token: string,
  messages: { notice?: string; error?: string } = {},
): string {
  const organization = state.store.find<Organization>(KIND.organization, customer.organization_id);
  const session = sessionOfToken(state, customer.id, token);
  const subscriptions = customerSubscriptions(state, customer).sort((a, b) =>
    String(b.started_at).localeCompare(String(a.started_at)),
  );
  const orders = customerOrders(state, customer).sort((a, b) => b.created_at.localeCompare(a.created_at));
  const keys = customerLicenseKeys(state, customer);
  const grants = customerGrants(state, customer).filter((g) => g.is_granted);
  const downloads = customerDownloadables(state, customer);
  const empty = (what: string) => `<p class="empty">No ${what} yet.</p>`;

  const orderRows = orders
    .map((o) => {
      const receipt = receiptUrl(state, o);
      return `<tr><td>${date(o.created_at)}</td><td>${escapeHtml(o.description)}</td><td>${escapeHtml(formatMoney(o.total_amount, o.currency))}</td><td>${escapeHtml(o.status)}</td><td>${receipt ? `<a href="${escapeHtml(receipt)}">Receipt</a>` : ""}</td></tr>`;
    })
    .join("");
  const keyRows = keys
    .map(
      (k) =>
        `<tr><td><code>${escapeHtml(k.key)}</code></td><td>${escapeHtml(k.status)}</td><td>${date(k.expires_at)}</td></tr>`,
    )
    .join("");
  const grantItems = grants
    .map(
      (g) => `<li>${escapeHtml(g.benefit.description)} <span class="muted">(${escapeHtml(g.benefit.type)})</span></li>`,
    )
    .join("");
  const downloadItems = downloads
    .map(
      (d) =>
        `<li><a href="${escapeHtml(d.file.download.url)}" download>${escapeHtml(d.file.name)}</a> <span class="muted">${escapeHtml(d.file.size_readable)}</span></li>`,
    )
    .join("");

  const body = `${EXTRA_STYLE}
${backLink(session?.return_url)}
<h1>${escapeHtml(organization?.name ?? "Customer portal")}</h1>
<p class="muted">Signed in as ${escapeHtml(customer.name ?? "")} ${escapeHtml(customer.email ?? "")}</p>
${messages.notice ? `<div class="ok">${escapeHtml(messages.notice)}</div>` : ""}
${messages.error ? `<div class="error">${escapeHtml(messages.error)}</div>` : ""}
<section><h2>Subscriptions</h2>${subscriptions.map((s) => subscriptionBlock(state, token, customer, s)).join("\n") || empty("subscriptions")}</section>
<section><h2>Orders</h2>${orders.length ? `<table><tr><th>Date</th><th>Description</th><th>Total</th><th>Status</th><th></th></tr>${orderRows}</table>` : empty("orders")}</section>
<section><h2>License keys</h2>${keys.length ? `<table><tr><th>Key</th><th>Status</th><th>Expires</th></tr>${keyRows}</table>` : empty("license keys")}</section>
<section><h2>Benefits</h2>${grants.length ? `<ul>${grantItems}</ul>` : empty("benefits")}</section>
<section><h2>Downloads</h2>${downloads.length ? `<ul>${downloadItems}</ul>` : empty("downloads")}</section>`;
  return page(`${organization?.name ?? "Customer"} portal`, body);
}

const sessionCookie = (token: string) => `${COOKIE}=${encodeURIComponent(token)}; Path=/portal; HttpOnly; SameSite=Lax`;

/** The message of a refused change, for the page. */
function failureMessage(error: ApiFailure): string {
  const detail = (error.body as { detail?: unknown })?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map((d) => String((d as { msg?: unknown }).msg ?? "")).join(" ");
  return "The change could not be made.";
}

type Action = "cancel" | "uncancel" | "change";

async function act(c: Context, state: EmulatorState, action: Action): Promise<Response> {
  const form = await readFormFields(c.req.raw);
  const field = form[TOKEN_FIELD];
  const token = typeof field === "string" && field ? field : cookieToken(c);
  const customer = customerOfToken(state, token);
  if (!customer || !token) return expiredPage();
  const id = c.req.param("id") ?? "";
  const productId = typeof form.product_id === "string" ? form.product_id : "";
  try {
    state.db.transaction(() => {
      const body = action === "change" ? { product_id: productId } : { cancel_at_period_end: action === "cancel" };
      // A member session needs a billing role for it, as on the API.
      const subject = authenticate(state.db, `Bearer ${token}`, state.clock.now());
      changeSubscription(state, billingCustomer(state, subject), id, body);
    });
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    const html = renderPortal(state, customer, token, { error: failureMessage(error) });
    return htmlResponse(html, error.status);
  }
  const notice = { cancel: "canceled", uncancel: "resumed", change: "changed" }[action];
  const location = `/portal?${TOKEN_FIELD}=${encodeURIComponent(token)}&notice=${notice}`;
  return c.body(null, 303, { location, "set-cookie": sessionCookie(token) });
}

/** `GET /portal` and the forms it posts. */
export function portalPageRoutes(app: Hono, state: EmulatorState): void {
  app.get("/portal", (c) => {
    const token = c.req.query(TOKEN_FIELD) || cookieToken(c);
    const customer = customerOfToken(state, token);
    if (!customer || !token) return expiredPage();
    const notice = NOTICES[c.req.query("notice") ?? ""];
    const html = state.db.transaction(() => renderPortal(state, customer, token, { notice }));
    const response = htmlResponse(html);
    response.headers.set("set-cookie", sessionCookie(token));
    response.headers.set("cache-control", "no-store");
    return response;
  });
  app.post("/portal/subscriptions/:id/:action{cancel|uncancel|change}", (c) =>
    act(c, state, c.req.param("action") as Action),
  );
}
