// System events: the events Polar itself records in a customer's event stream (`source: "system"`)
// when their orders, subscriptions, benefits and meters change. They are derived from the webhook
// events the emulator emits, so every state change that sends a webhook also leaves its event, in
// the same transaction. Meter credits and resets are events too: customer meters read them.
import type { EmulatorState } from "../../context";
import { bulkInsertEvents, type EventRow } from "./events";
import { meterBalance } from "./meters";

type Data = Record<string, unknown> & { id?: string; customer_id?: string; customer?: { external_id?: string | null } };

/** The system event names for webhook types whose payload keeps its name (`order.paid`, `customer.created`, …). */
const SAME_NAME = new Set([
  "order.paid",
  "order.refunded",
  "checkout.created",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "subscription.created",
  "subscription.updated",
  "subscription.cycled",
  "subscription.canceled",
  "subscription.uncanceled",
  "subscription.revoked",
  "subscription.past_due",
]);

// `benefit_grant.created` is recorded as `benefit.granted`, and so on.
const GRANT_EVENT: Record<string, string> = {
  "benefit_grant.created": "benefit.granted",
  "benefit_grant.cycled": "benefit.cycled",
  "benefit_grant.updated": "benefit.updated",
  "benefit_grant.revoked": "benefit.revoked",
};

const pick = (data: Data, keys: string[]) =>
  Object.fromEntries(
    keys.filter((key) => data[key] !== undefined && data[key] !== null).map((key) => [key, data[key]]),
  );

const PRICE_FIELDS = ["product_id", "amount", "currency", "recurring_interval", "recurring_interval_count"];

/** The metadata the spec's `<Name>Metadata` schema asks for, read from the webhook payload. */
function metadataOf(name: string, data: Data): Record<string, unknown> {
  if (name.startsWith("customer.")) {
    return {
      customer_id: data.id,
      customer_email: data.email ?? null,
      customer_name: data.name ?? null,
      customer_external_id: data.external_id ?? null,
      ...(name === "customer.updated" && { updated_fields: {} }),
    };
  }
  if (name === "order.paid") {
    return {
      order_id: data.id,
      amount: data.total_amount,
      ...pick(data, ["product_id", "billing_type", "currency", "net_amount", "tax_amount", "discount_id"]),
      ...pick(data, ["discount_amount", "platform_fee_amount", "subscription_id"]),
    };
  }
  if (name === "order.refunded") {
    return { order_id: data.id, refunded_amount: data.refunded_amount, currency: data.currency };
  }
  if (name === "checkout.created") {
    return { checkout_id: data.id, checkout_status: data.status, ...pick(data, ["product_id"]) };
  }
  const subscription = { subscription_id: data.id, ...pick(data, PRICE_FIELDS) };
  if (name === "subscription.created") return { ...subscription, started_at: data.started_at ?? data.created_at };
  if (name === "subscription.canceled") {
    return {
      ...subscription,
      canceled_at: data.canceled_at,
      ...pick(data, ["ends_at", "cancel_at_period_end", "customer_cancellation_reason"]),
      ...pick(data, ["customer_cancellation_comment"]),
    };
  }
  if (name === "subscription.past_due") return { ...subscription, past_due_at: data.modified_at ?? data.created_at };
  if (name === "subscription.updated") return { subscription_id: data.id, ...pick(data, ["product_id", "seats"]) };
  return subscription;
}

/** Whose stream an event goes to: customers are themselves; everything else names its customer. */
function customerOf(type: string, data: Data) {
  const customerId = type.startsWith("customer.") ? data.id : data.customer_id;
  const external = type.startsWith("customer.") ? data.external_id : data.customer?.external_id;
  return {
    customer_id: (customerId as string | undefined) ?? null,
    external_customer_id: (external as string) ?? null,
  };
}

type Grant = Data & {
  benefit_id: string;
  benefit: { type: string; properties?: { meter_id?: string; units?: number; rollover?: boolean } };
};

/**
 * Meter credits of a `meter_credit` grant: granting credits its units; each cycle resets the meter
 * (consumption starts again) and credits anew, carrying the unused balance over when `rollover` is set.
 */
function meterEvents(type: string, grant: Grant, balanceOf: (meterId: string) => number) {
  const { meter_id, units = 0, rollover = false } = grant.benefit.properties ?? {};
  if (grant.benefit.type !== "meter_credit" || !meter_id) return [];
  if (type === "benefit_grant.created") return [{ name: "meter.credited", metadata: { meter_id, units, rollover } }];
  if (type !== "benefit_grant.cycled") return [];
  const carried = rollover ? Math.max(0, balanceOf(meter_id)) : 0;
  return [
    { name: "meter.reset", metadata: { meter_id } },
    { name: "meter.credited", metadata: { meter_id, units: units + carried, rollover } },
  ];
}

/** Records the system events of one emitted webhook, in the caller's transaction. */
export function recordSystemEvents(state: EmulatorState, organizationId: string, type: string, payload: unknown): void {
  const data = (payload ?? {}) as Data;
  const grantEvent = GRANT_EVENT[type];
  const name = SAME_NAME.has(type) ? type : grantEvent;
  if (!name) return;
  const who = customerOf(type, data);
  const timestamp = state.clock.now().getTime();
  const row = (eventName: string, metadata: Record<string, unknown>): EventRow => ({
    organization_id: organizationId,
    ...who,
    name: eventName,
    timestamp,
    source: "system",
    metadata,
  });
  const rows: EventRow[] = [];
  if (grantEvent) {
    const grant = data as Grant;
    rows.push(
      row(grantEvent, { benefit_id: grant.benefit_id, benefit_grant_id: grant.id, benefit_type: grant.benefit.type }),
    );
    const customerId = who.customer_id;
    if (customerId) {
      // The balance is read before this cycle's reset is written, for rollover.
      const balanceOf = (meterId: string) => meterBalance(state, organizationId, customerId, meterId);
      for (const event of meterEvents(type, grant, balanceOf)) {
        rows.push(row(event.name, event.metadata));
      }
    }
  } else {
    rows.push(row(name, metadataOf(name, data)));
  }
  bulkInsertEvents(state.db, rows);
}
