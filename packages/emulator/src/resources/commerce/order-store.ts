// Orders as records: how they are stored (amounts, invoice numbers, embedded objects), read and
// announced. Every path that creates an order (checkout, renewal, draft) goes through here.
import type { EmulatorState } from "../../context";
import { build } from "../../defaults";
import { notFound } from "../../errors";
import { uuid } from "../../ids";
import { withCustomer } from "./customer-state";
import { embeddedDiscount } from "./discounts";
import {
  type Customer,
  type Discount,
  KIND,
  metadata,
  type Order,
  type Organization,
  type Product,
  type Subscription,
} from "./shared";

type BillingReason = Order["billing_reason"];

/** The product as orders embed it (`OrderProduct`: no prices, benefits or medias). */
export function orderProduct(product: Product | null | undefined) {
  if (!product) return null;
  const { prices: _p, benefits: _b, medias: _m, attached_custom_fields: _a, ...rest } = product;
  return rest;
}

/** The subscription as orders embed it (`OrderSubscription`: no customer, product or prices). */
export function orderSubscription(subscription: Subscription | null | undefined) {
  if (!subscription) return null;
  const {
    customer: _c,
    product: _p,
    discount: _d,
    prices: _pr,
    meters: _m,
    pending_update: _u,
    ...rest
  } = subscription;
  return rest;
}

/** The next invoice number of the organization: its slug as prefix, then a 4-digit counter. */
export function nextInvoiceNumber(state: EmulatorState, organizationId: string): string {
  const organization = state.store.find<Organization>(KIND.organization, organizationId);
  const prefix =
    (organization?.slug ?? "POLAR")
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "")
      .slice(0, 8) || "POLAR";
  const count = state.store.all<Order>(KIND.order, { organizationId }).filter((o) => o.invoice_number).length;
  return `${prefix}-${String(count + 1).padStart(4, "0")}`;
}

/** Fields derived from the amounts and the status (`paid`, `refundable_*`). */
export function withDerived(order: Order): Order {
  return {
    ...order,
    paid: ["paid", "refunded", "partially_refunded"].includes(order.status),
    refundable_amount: Math.max(0, order.net_amount + order.applied_balance_amount - order.refunded_amount),
    refundable_tax_amount: order.tax_amount - order.refunded_tax_amount,
  };
}

/** A line of an order beyond its main one (e.g. a metered price's usage). */
export interface OrderLine {
  label: string;
  amount: number;
  priceId: string | null;
}

export interface NewOrder {
  organizationId: string;
  customer: Customer;
  product: Product | null;
  status: Order["status"];
  billingReason: BillingReason;
  subtotal: number;
  discount: Discount | null;
  discountAmount: number;
  currency: string;
  label: string;
  priceId: string | null;
  seats?: number | null;
  subscription?: Subscription | null;
  checkoutId?: string | null;
  billingName?: string | null;
  billingAddress?: Order["billing_address"];
  metadata?: Record<string, unknown>;
  customFieldData?: Record<string, unknown>;
  description?: string | null;
  /** More lines; `subtotal` is the main line's amount, the order's subtotal adds these. */
  lines?: OrderLine[];
}

/** Stores an order (no webhooks: see `emitNewOrder`). Drafts get their invoice number when finalized. */
export function insertOrder(state: EmulatorState, input: NewOrder): Order {
  const now = state.clock.iso();
  const lines: OrderLine[] = [
    { label: input.label, amount: input.subtotal, priceId: input.priceId },
    ...(input.lines ?? []),
  ];
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const net = subtotal - input.discountAmount;
  const doc = build("Order", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    status: input.status,
    subtotal_amount: subtotal,
    discount_amount: input.discountAmount,
    net_amount: net,
    // Tax is not emulated: every amount is tax-free.
    tax_amount: 0,
    total_amount: net,
    applied_balance_amount: 0,
    due_amount: input.status === "pending" || input.status === "draft" ? net : 0,
    refunded_amount: 0,
    refunded_tax_amount: 0,
    currency: input.currency,
    billing_reason: input.billingReason,
    billing_name: input.billingName ?? input.customer.billing_name ?? input.customer.name ?? null,
    billing_address: input.billingAddress ?? input.customer.billing_address ?? null,
    invoice_number: input.status === "draft" ? null : nextInvoiceNumber(state, input.organizationId),
    is_invoice_generated: false,
    receipt_number: null,
    seats: input.seats ?? null,
    customer_id: input.customer.id,
    product_id: input.product?.id ?? null,
    discount_id: input.discount?.id ?? null,
    subscription_id: input.subscription?.id ?? null,
    checkout_id: input.checkoutId ?? null,
    next_payment_attempt_at: null,
    metadata: metadata(input.metadata),
    custom_field_data: input.customFieldData ?? {},
    platform_fee_amount: 0,
    platform_fee_currency: null,
    customer: input.customer,
    product: orderProduct(input.product),
    discount: embeddedDiscount(input.discount),
    subscription: orderSubscription(input.subscription),
    items: lines.map((line) => ({
      created_at: now,
      modified_at: null,
      id: uuid(),
      label: line.label,
      amount: line.amount,
      tax_amount: 0,
      proration: false,
      product_price_id: line.priceId,
    })),
    description: input.description ?? input.product?.name ?? input.label,
  }) as unknown as Order;
  // Orders carry no organization_id in the API: their customer's is their scope.
  return state.store.insert(KIND.order, withDerived(doc), { organizationId: input.organizationId });
}

/** The caller's order, with its customer as it is now, or 404. */
export function getOrder(state: EmulatorState, organizationId: string, id: string): Order {
  const order = state.store.find<Order>(KIND.order, id);
  if (!order || order.customer.organization_id !== organizationId) throw notFound();
  return withCustomer(state, order);
}

/** Every order of the organization, newest state of their customers included. */
export const ordersOf = (state: EmulatorState, organizationId: string) =>
  state.store.all<Order>(KIND.order, { organizationId }).map((order) => withCustomer(state, order));

/** Queues an order's webhooks, in the API's order: created, then updated and paid when already paid. */
export function emitNewOrder(state: EmulatorState, organizationId: string, order: Order): void {
  const current = withCustomer(state, order);
  state.emit(organizationId, "order.created", current);
  if (current.status === "paid") {
    state.emit(organizationId, "order.updated", current);
    state.emit(organizationId, "order.paid", current);
  }
}

/** Saves changes to an order and queues `order.updated`. */
export function saveOrder(state: EmulatorState, organizationId: string, order: Order): Order {
  const saved = state.store.put(KIND.order, withDerived({ ...order, modified_at: state.clock.iso() }));
  state.emit(organizationId, "order.updated", withCustomer(state, saved));
  return withCustomer(state, saved);
}
