import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { invalid, notFound, polarError } from "../../errors";
import { matches, matchesMetadata, paginate } from "../../pagination";
import { csvReply, inZone, money } from "./csv";
import { emitStateChanged, withCustomer } from "./customer-state";
import { grantBenefits } from "./grants";
import { documentUrl } from "./order-documents";
import { getOrder, insertOrder, nextInvoiceNumber, ordersOf, saveOrder } from "./order-store";
import { findProduct, primaryPrice } from "./products";
import { address, type Customer, KIND, type Order, sortWith, within } from "./shared";

function listOrders(state: EmulatorState, organizationId: string, query: Record<string, unknown>): Order[] {
  const externalIds = query.external_customer_id == null ? null : [query.external_customer_id].flat();
  return ordersOf(state, organizationId).filter(
    (o) =>
      matches(query.product_id, o.product_id) &&
      matches(query.product_billing_type, o.product ? (o.product.is_recurring ? "recurring" : "one_time") : null) &&
      matches(query.discount_id, o.discount_id) &&
      matches(query.customer_id, o.customer_id) &&
      (!externalIds || (o.customer.external_id != null && externalIds.includes(o.customer.external_id))) &&
      matches(query.checkout_id, o.checkout_id) &&
      matches(query.subscription_id, o.subscription_id) &&
      matches(query.status, o.status) &&
      within(o.created_at, query.created_after, query.created_before) &&
      matchesMetadata(query.metadata, o.metadata),
  );
}

const SORT_KEYS = {
  amount: (o: Order) => o.total_amount,
  customer: (o: Order) => o.customer.email,
  product: (o: Order) => o.product?.name ?? null,
  discount: (o: Order) => o.discount?.name ?? null,
  subscription: (o: Order) => o.subscription_id,
};

const EXPORT_HEADERS: Record<string, string> = {
  email: "Email",
  created_at: "Created At",
  product: "Product",
  net_amount: "Net Amount",
  currency: "Currency",
  status: "Status",
  invoice_number: "Invoice number",
  customer_name: "Customer Name",
  billing_name: "Billing Name",
  billing_country: "Billing Country",
  subtotal_amount: "Subtotal",
  discount_amount: "Discount",
  tax_amount: "Tax",
  total_amount: "Total",
  refunded_amount: "Refunded Amount",
  billing_reason: "Billing Reason",
};
const EXPORT_DEFAULT = ["email", "created_at", "product", "net_amount", "currency", "status", "invoice_number"];

function exportRow(order: Order, timezone: unknown): Record<string, string | number | null> {
  return {
    email: order.customer.email ?? null,
    created_at: inZone(order.created_at, timezone),
    product: order.description,
    net_amount: money(order.net_amount),
    currency: order.currency,
    status: order.status,
    invoice_number: order.invoice_number,
    customer_name: order.customer.name,
    billing_name: order.billing_name,
    billing_country: order.billing_address?.country ?? null,
    subtotal_amount: money(order.subtotal_amount),
    discount_amount: money(order.discount_amount),
    tax_amount: money(order.tax_amount),
    total_amount: money(order.total_amount),
    refunded_amount: money(order.refunded_amount),
    billing_reason: order.billing_reason,
  };
}

/** Creates a draft off-session order (`OrderCreate`): a one-time product, an optional amount. */
function createDraft(state: EmulatorState, organizationId: string, body: Schema<"OrderCreate">): Order {
  const customer = state.store.find<Customer>(KIND.customer, body.customer_id);
  if (!customer || customer.organization_id !== organizationId || customer.deleted_at) {
    throw invalid(["body", "customer_id"], "Customer does not exist.", "value_error", body.customer_id);
  }
  const product = findProduct(state, organizationId, body.product_id);
  if (!product || product.is_archived) {
    throw invalid(["body", "product_id"], "Product does not exist.", "value_error", body.product_id);
  }
  const price = primaryPrice(product.prices);
  if (product.is_recurring || !price || price.amount_type !== "fixed") {
    throw invalid(
      ["body", "product_id"],
      "Product must be a one-time product with a fixed price.",
      "value_error",
      body.product_id,
    );
  }
  const amount = body.amount ?? price.price_amount;
  const order = insertOrder(state, {
    organizationId,
    customer,
    product,
    status: "draft",
    billingReason: "purchase",
    subtotal: amount,
    discount: null,
    discountAmount: 0,
    currency: body.currency ?? price.price_currency,
    label: body.description ?? product.name,
    priceId: price.id,
    metadata: body.metadata,
    customFieldData: body.custom_field_data ?? {},
    description: body.description ?? product.name,
  });
  state.emit(organizationId, "order.created", withCustomer(state, order));
  return withCustomer(state, order);
}

/**
 * Finalizes a draft: it gets its invoice number and is charged off-session. The emulator's
 * customers always have a working card, so the order is paid at once and its benefits granted.
 */
function finalize(state: EmulatorState, organizationId: string, order: Order): Order {
  if (order.status !== "draft") throw polarError(412, "OrderNotDraft", "Order is not a draft.");
  const paid = saveOrder(state, organizationId, {
    ...order,
    status: "paid",
    due_amount: 0,
    invoice_number: nextInvoiceNumber(state, organizationId),
  });
  state.emit(organizationId, "order.paid", paid);
  const product = paid.product_id ? findProduct(state, organizationId, paid.product_id) : undefined;
  if (product) grantBenefits(state, paid.customer as Customer, product, { orderId: paid.id });
  emitStateChanged(state, paid.customer_id);
  return paid;
}

/**
 * Marks a paid order's invoice as generated (202), for the Core API and the portal alike: 409 while
 * unpaid, 422 without billing name and address.
 */
export function generateInvoice(state: EmulatorState, organizationId: string, order: Order): Reply {
  if (!order.paid) {
    throw polarError(409, "OrderNotEligibleForInvoice", "Order is not eligible for invoice generation.");
  }
  if (!order.billing_name || !order.billing_address) {
    throw polarError(
      422,
      "MissingInvoiceBillingDetails",
      "Billing name and address are required to generate an invoice.",
    );
  }
  if (!order.is_invoice_generated) saveOrder(state, organizationId, { ...order, is_invoice_generated: true });
  return new Reply(202);
}

export const orderHandlers: OperationHandlers = {
  "orders:list": ({ state, subject, query }) => {
    const items = listOrders(state, organizationOf(subject), query);
    return paginate(sortWith(items, query.sorting, ["-created_at"], SORT_KEYS), query);
  },
  "orders:create": ({ state, subject, body }) => createDraft(state, bodyOrganization(subject, body), body),
  "orders:finalize": ({ state, subject, params }) => {
    const organizationId = organizationOf(subject);
    return finalize(state, organizationId, getOrder(state, organizationId, params.id as string));
  },
  "orders:get": ({ state, subject, params }) => getOrder(state, organizationOf(subject), params.id as string),
  "orders:update": ({ state, subject, params, body }) => {
    const organizationId = organizationOf(subject);
    const order = getOrder(state, organizationId, params.id as string);
    const changes = {
      ...(body.billing_name !== undefined && { billing_name: body.billing_name }),
      ...(body.billing_address !== undefined && { billing_address: address(body.billing_address) }),
    };
    return saveOrder(state, organizationId, { ...order, ...changes });
  },
  "orders:generate_invoice": ({ state, subject, params }) => {
    const organizationId = organizationOf(subject);
    return generateInvoice(state, organizationId, getOrder(state, organizationId, params.id as string));
  },
  "orders:invoice": ({ state, subject, params }) => {
    const order = getOrder(state, organizationOf(subject), params.id as string);
    if (!order.is_invoice_generated) throw notFound();
    return { url: documentUrl(state, order, "invoice") };
  },
  "orders:receipt": ({ state, subject, params }) => {
    const order = getOrder(state, organizationOf(subject), params.id as string);
    // A receipt exists once the order is paid; before that the API answers 202 (pending).
    if (!order.paid) return new Reply(202);
    return { url: documentUrl(state, order, "receipt") };
  },
  "orders:export": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const columns = query.columns == null ? EXPORT_DEFAULT : [query.columns].flat().map(String);
    const orders = sortWith(
      listOrders(state, organizationId, { ...query, metadata: undefined }),
      null,
      ["-created_at"],
      SORT_KEYS,
    );
    const rows = orders.map((order) => {
      const row = exportRow(order, query.timezone);
      return columns.map((column) => row[column]);
    });
    return csvReply([columns.map((c) => EXPORT_HEADERS[c] ?? c), ...rows], "polar-orders.csv");
  },
};
