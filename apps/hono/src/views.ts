// The store's pages: plain server-rendered HTML, no client JavaScript. Every value goes through
// `html`, which escapes it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Product } from "@polar-kit/core";
import type { Account, OrderFact, SubscriptionFact, User } from "@polar-kit/example-store/facts";
import {
  billingPeriod,
  formatDate,
  formatMoney,
  priceLabel,
  productPeriod,
  subscriptionStatus,
} from "@polar-kit/example-store/format";
import type { MeterUsage } from "@polar-kit/example-store/usage";
import { html, SafeHtml } from "./html.js";

// The stylesheet all the example apps share, read once at startup and inlined in every page.
const STYLE = new SafeHtml(
  readFileSync(createRequire(import.meta.url).resolve("@polar-kit/example-store/store.css"), "utf8"),
);

export interface PageOptions {
  user?: User | undefined;
  /** Reload the page every this many seconds (no JavaScript needed). */
  refreshSeconds?: number;
}

export function layout(title: string, body: SafeHtml, options: PageOptions = {}): SafeHtml {
  const { user, refreshSeconds } = options;
  const session = user
    ? html`<span class="muted">${user.email}</span>
<form method="post" action="/logout"><button class="link" type="submit">Sign out</button></form>`
    : html`<a href="/login">Sign in</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ""}
<title>${title} · Demo store</title>
<style>${STYLE}</style>
</head>
<body>
<header><strong>Demo store</strong><a href="/">Products</a><a href="/account">Account</a><span class="spacer"></span>${session}</header>
<main>
${body}
</main>
</body>
</html>`;
}

function productCard(product: Product): SafeHtml {
  return html`<article>
<div><h2>${product.name}</h2>
${product.description ? html`<p class="muted">${product.description}</p>` : ""}
<p><strong>${priceLabel(product)}</strong> <span class="muted">${productPeriod(product)}</span></p></div>
<form method="post" action="/checkout">
<input type="hidden" name="products" value="${product.id}">
<button type="submit" aria-label="Buy ${product.name}">Buy</button>
</form>
</article>`;
}

export function productsPage(products: Product[], user: User | undefined): SafeHtml {
  const hint = user
    ? ""
    : html`<p class="notice"><a href="/login">Sign in</a> first to find your purchases on your account page.</p>`;
  const list = products.length ? products.map(productCard) : html`<p>This organization has no products yet.</p>`;
  return layout("Products", html`<h1>Products</h1>${hint}${list}`, { user });
}

export function loginPage(next: string, error?: string, email = ""): SafeHtml {
  return layout(
    "Sign in",
    html`<h1>Sign in</h1>
<p class="muted">A demo sign-in: any email address works, no password.</p>
${error ? html`<p class="ended" role="alert">${error}</p>` : ""}
<form method="post" action="/login">
<input type="hidden" name="next" value="${next}">
<label for="email">Email</label>
<input id="email" name="email" type="email" required autocomplete="email" value="${email}">
<button type="submit">Sign in</button>
</form>`,
  );
}

export function thanksPendingPage(user: User | undefined): SafeHtml {
  return layout(
    "Waiting for payment confirmation",
    html`<h1>Waiting for payment confirmation…</h1>
<p>Your payment is being confirmed. This page reloads by itself every second.</p>
<p class="muted">If it keeps waiting, check that Polar's webhooks reach <code>/webhooks/polar</code> on this app.</p>`,
    { user, refreshSeconds: 1 },
  );
}

export function thanksPage(order: OrderFact, user: User | undefined): SafeHtml {
  return layout(
    "Payment received",
    html`<h1>Payment received</h1>
<p class="ok">Thank you! Your order of <strong>${order.productName}</strong> is paid.</p>
<table>
<tr><th>Order</th><td><code>${order.id}</code></td></tr>
<tr><th>Date</th><td>${formatDate(order.createdAt)}</td></tr>
<tr><th>Total</th><td>${formatMoney(order.totalAmount, order.currency)}</td></tr>
</table>
<p>${user ? html`<a href="/account">Go to your account</a> · ` : ""}<a href="/">Continue shopping</a></p>`,
    { user },
  );
}

function statusCell(subscription: SubscriptionFact): SafeHtml {
  const { text, note, tone } = subscriptionStatus(subscription);
  return html`<span class="${tone}">${text}</span>${note}`;
}

/** The customer's meters, or `undefined` when the Polar API could not be reached. */
function usageSection(usage: MeterUsage[] | undefined): SafeHtml {
  const rows = (usage ?? []).map(
    (u) =>
      html`<tr><td>${u.meter}</td><td>${u.consumed} used</td><td>${u.balance} left</td><td class="muted">of ${u.credited} credited</td></tr>`,
  );
  const table = rows.length
    ? html`<table><tr><th>Meter</th><th>Used</th><th>Balance</th><th></th></tr>${rows}</table>`
    : html`<p class="muted">${usage ? "No usage yet: subscribe for API credits." : "Usage is unavailable right now."}</p>`;
  return html`<h2>Usage</h2>
${table}
<form method="post" action="/usage"><button>Record an API call</button></form>`;
}

export function accountPage(user: User, account: Account, usage: MeterUsage[] | undefined): SafeHtml {
  const { orders, subscriptions, licenseKeys } = account;
  const subscriptionRows = subscriptions.map(
    (s) => html`<tr><td>${s.productName}</td>
<td>${formatMoney(s.amount, s.currency)} ${billingPeriod(s.recurringInterval, s.recurringIntervalCount)}</td>
<td>${statusCell(s)}</td></tr>`,
  );
  const orderRows = orders.map(
    (o) => html`<tr><td class="nowrap">${formatDate(o.createdAt)}</td><td>${o.productName}</td>
<td>${formatMoney(o.totalAmount, o.currency)}</td><td><code>${o.id}</code></td></tr>`,
  );
  const keyRows = licenseKeys.map(
    (k) => html`<tr><td><code>${k.displayKey}</code></td><td>${k.benefit}</td>
<td>${k.granted ? html`<span class="ok">Active</span>` : html`<span class="ended">Revoked</span>`}</td></tr>`,
  );
  const customer = orders.length > 0 || subscriptions.length > 0;
  const body = html`<h1>Your account</h1>
<p class="muted">Signed in as ${user.email}</p>
<h2>Subscriptions</h2>
${subscriptionRows.length ? html`<table><tr><th>Plan</th><th>Price</th><th>Status</th></tr>${subscriptionRows}</table>` : html`<p class="muted">No subscriptions.</p>`}
${customer ? html`<p><a class="button" href="/portal">Manage subscription</a> <span class="muted">invoices, payment method and cancellation, in Polar's customer portal</span></p>` : ""}
<h2>Orders</h2>
${orderRows.length ? html`<table><tr><th>Date</th><th>Product</th><th>Total</th><th>Order</th></tr>${orderRows}</table>` : html`<p class="muted">No orders yet: <a href="/">buy something</a>.</p>`}
${usageSection(usage)}
${keyRows.length ? html`<h2>License keys</h2><table><tr><th>Key</th><th>Benefit</th><th>Status</th></tr>${keyRows}</table><p class="muted">The full keys are in the customer portal.</p>` : ""}`;
  return layout("Account", body, { user });
}

export function errorPage(title: string, message: string, user?: User): SafeHtml {
  return layout(title, html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the products</a></p>`, { user });
}
