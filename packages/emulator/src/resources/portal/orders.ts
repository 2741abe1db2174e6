// The customer's orders: list, read, billing details, invoice and receipt.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { notFound } from "../../errors";
import { matches, paginate } from "../../pagination";
import { withCustomer } from "../commerce/customer-state";
import { documentUrl } from "../commerce/order-documents";
import { saveOrder } from "../commerce/order-store";
import { generateInvoice } from "../commerce/orders";
import { address, type Customer, KIND, type Order, type Product, sortWith } from "../commerce/shared";
import { presentAs, withOrganization } from "./present";
import { matchesText, organizationOfCustomer, ownedBy, sessionCustomer } from "./scope";

/** The customer's orders the portal shows (drafts are the merchant's until finalized). */
export const customerOrders = (state: EmulatorState, customer: Customer): Order[] =>
  state.store
    .all<Order>(KIND.order, { customerId: customer.id })
    .filter((order) => order.status !== "draft")
    .map((order) => withCustomer(state, order));

/** One of the customer's orders, or 404. */
export function customerOrder(state: EmulatorState, customer: Customer, id: string): Order {
  const order = ownedBy<Order>(state, KIND.order, id, customer);
  if (order.status === "draft") throw notFound();
  return withCustomer(state, order);
}

/** An order as `CustomerOrder`: its product as it is now, with the organization embedded. */
function presentOrder(state: EmulatorState, customer: Customer, order: Order) {
  const product = order.product_id ? state.store.find<Product>(KIND.product, order.product_id) : undefined;
  const organization = organizationOfCustomer(state, customer);
  return presentAs(
    "CustomerOrder",
    { ...order, product: withOrganization(product ?? order.product, organization) },
    state.clock.iso(),
  );
}

/** The URL of a paid order's receipt (`null` while pending). */
export const receiptUrl = (state: EmulatorState, order: Order) =>
  order.paid ? documentUrl(state, order, "receipt") : null;

const SORT_KEYS = {
  amount: (o: Order) => o.total_amount,
  product: (o: Order) => o.product?.name ?? null,
  subscription: (o: Order) => o.subscription_id,
};

export const orderApiHandlers: OperationHandlers = {
  "customer_portal:orders:list": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    const items = customerOrders(state, customer).filter(
      (o) =>
        matches(query.product_id, o.product_id) &&
        matches(query.product_billing_type, o.product ? (o.product.is_recurring ? "recurring" : "one_time") : null) &&
        matches(query.subscription_id, o.subscription_id) &&
        matchesText(query.query, o.description, o.product?.name, o.invoice_number),
    );
    const page = paginate(sortWith(items, query.sorting, ["-created_at"], SORT_KEYS), query);
    return { ...page, items: page.items.map((order) => presentOrder(state, customer, order)) };
  },
  "customer_portal:orders:get": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    return presentOrder(state, customer, customerOrder(state, customer, params.id as string));
  },
  // Billing name and street address; the country and state stay as they were.
  "customer_portal:orders:update": ({ state, subject, params, body }) => {
    const customer = sessionCustomer(state, subject);
    const order = customerOrder(state, customer, params.id as string);
    const update = (body ?? {}) as Schema<"CustomerOrderUpdate">;
    const next = address(update.billing_address);
    const billingAddress =
      next && order.billing_address
        ? { ...next, country: order.billing_address.country, state: order.billing_address.state }
        : next;
    const saved = saveOrder(state, customer.organization_id, {
      ...order,
      ...(update.billing_name !== undefined && { billing_name: update.billing_name }),
      ...(update.billing_address !== undefined && { billing_address: billingAddress }),
    });
    return presentOrder(state, customer, saved);
  },
  // Same rules and webhooks as the Core API's `orders:generate_invoice`.
  "customer_portal:orders:generate_invoice": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    return generateInvoice(state, customer.organization_id, customerOrder(state, customer, params.id as string));
  },
  "customer_portal:orders:invoice": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    const order = customerOrder(state, customer, params.id as string);
    if (!order.is_invoice_generated) throw notFound();
    return { url: documentUrl(state, order, "invoice") };
  },
  "customer_portal:orders:receipt": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    const url = receiptUrl(state, customerOrder(state, customer, params.id as string));
    return url ? { url } : new Reply(202);
  },
};
