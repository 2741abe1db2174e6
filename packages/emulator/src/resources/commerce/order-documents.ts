// The documents behind the `url`s of `orders:invoice` and `orders:receipt`: small printable pages.
import type { Hono } from "hono";
import type { EmulatorState } from "../../context";
import { withCustomer } from "./customer-state";
import { escapeHtml, formatMoney, htmlResponse, page } from "./html";
import { KIND, type Order, type Organization } from "./shared";

/** Where an order's invoice or receipt is served (a presigned URL in the API). */
export const documentUrl = (state: EmulatorState, order: Order, kind: "invoice" | "receipt") =>
  `${state.publicUrl()}/__emulator/orders/${order.id}/${kind}`;

/** The document behind an invoice or receipt URL: a small printable HTML page. */
function orderDocument(state: EmulatorState, order: Order, kind: "invoice" | "receipt"): string {
  const organization = state.store.find<Organization>(KIND.organization, order.customer.organization_id);
  const a = order.billing_address;
  const lines = order.items
    .map((item) => `<tr><td>${escapeHtml(item.label)}</td><td>${formatMoney(item.amount, order.currency)}</td></tr>`)
    .join("");
  const title = kind === "invoice" ? `Invoice ${order.invoice_number ?? ""}` : `Receipt for ${order.invoice_number}`;
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="muted">${escapeHtml(organization?.name ?? "")} · ${escapeHtml(order.created_at.slice(0, 10))} · ${escapeHtml(order.status)}</p>
<h2>Billed to</h2>
<p>${escapeHtml(order.billing_name ?? order.customer.name ?? "")}<br>${escapeHtml(order.customer.email ?? "")}<br>
${escapeHtml([a?.line1, a?.line2, a?.postal_code, a?.city, a?.state, a?.country].filter(Boolean).join(", "))}</p>
<table>${lines}
<tr><td>Discount</td><td>-${formatMoney(order.discount_amount, order.currency)}</td></tr>
<tr><td>Tax</td><td>${formatMoney(order.tax_amount, order.currency)}</td></tr>
<tr class="total"><td>Total</td><td>${formatMoney(order.total_amount, order.currency)}</td></tr>
${order.refunded_amount ? `<tr><td>Refunded</td><td>-${formatMoney(order.refunded_amount, order.currency)}</td></tr>` : ""}
</table>`,
  );
}

/** The invoice and receipt documents the `url`s of `orders:invoice` and `orders:receipt` point at. */
export function orderRoutes(app: Hono, state: EmulatorState): void {
  app.get("/__emulator/orders/:id/:kind{invoice|receipt}", (c) => {
    const order = state.store.find<Order>(KIND.order, c.req.param("id"));
    const kind = c.req.param("kind") as "invoice" | "receipt";
    const ready = order && (kind === "invoice" ? order.is_invoice_generated : order.paid);
    if (!order || !ready) return c.json({ detail: "Not Found" }, 404);
    return htmlResponse(orderDocument(state, withCustomer(state, order), kind));
  });
}
