// The customer's orders: list, read, billing details, invoice and receipt.
import type { Schema } from "@polar-kit/core";
import type { Subject } from "../../auth";
import type { EmulatorState, OperationContext, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { notFound } from "../../errors";
import { matches, paginate } from "../../pagination";
import { withCustomer } from "../commerce/customer-state";
import { documentUrl } from "../commerce/order-documents";
import { saveOrder } from "../commerce/order-store";
import { orderHandlers } from "../commerce/orders";
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
export function presentOrder(state: EmulatorState, customer: Customer, order: Order) {
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

/** The organization subject a portal action runs a Core API operation as (same rules, same webhooks). */
const asOrganization = (customer: Customer): Subject => ({
  type: "Organization",
  organizationId: customer.organization_id,
  scopes: new Set(["orders:read", "orders:write"]),
  token: "",
});

const SORT_KEYS = {
  amount: (o: Order) => o.total_amount,
  product: (o: Order) => o.product?.name ?? null,
  subscription: (o: Order) => o.subscription_id,
};

export const orderApiHandlers: OperationHandlers = {
  "customer_portal:orders:list": ({ state, subject, query, request }) => {
    const customer = sessionCustomer(state, subject, request);
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
  "customer_portal:orders:get": ({ state, subject, params, request }) => {
    const customer = sessionCustomer(state, subject, request);
    return presentOrder(state, customer, customerOrder(state, customer, params.id as string));
  },
  // Billing name and street address; the country and state stay as they were.
  "customer_portal:orders:update": ({ state, subject, params, body, request }) => {
    const customer = sessionCustomer(state, subject, request);
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
  "customer_portal:orders:generate_invoice": (context) => {
    const customer = sessionCustomer(context.state, context.subject, context.request);
    const order = customerOrder(context.state, customer, context.params.id as string);
    const generate = orderHandlers["orders:generate_invoice"] as (c: OperationContext) => unknown;
    return generate({ ...context, subject: asOrganization(customer), params: { id: order.id } } as OperationContext);
  },
  "customer_portal:orders:invoice": ({ state, subject, params, request }) => {
    const customer = sessionCustomer(state, subject, request);
    const order = customerOrder(state, customer, params.id as string);
    if (!order.is_invoice_generated) throw notFound();
    return { url: documentUrl(state, order, "invoice") };
  },
  "customer_portal:orders:receipt": ({ state, subject, params, request }) => {
    const customer = sessionCustomer(state, subject, request);
    const url = receiptUrl(state, customerOrder(state, customer, params.id as string));
    return url ? { url } : new Reply(202);
  },
};
