// Usage-based billing in the example apps: each "Record an API call" click is one `api.call` event,
// which the demo catalog's "Demo API Calls" meter counts against the credits a subscription grants.
// Read live from Polar (not from webhooks); each app handles a failure and renders its own way.
import type { Polar } from "@polar-kit/core";

/** The event the demo catalog's "Demo API Calls" meter counts. */
export const USAGE_EVENT = "api.call";

/** One of the customer's meters: units used, credited (by their subscription) and left. */
export interface MeterUsage {
  meter: string;
  consumed: number;
  credited: number;
  balance: number;
}

/** The user's meters (the app's user id is the customer's external id); throws PolarError when Polar fails. */
export async function meterUsage(polar: Polar, userId: string): Promise<MeterUsage[]> {
  const { items } = await polar.customerMeters.list({ external_customer_id: userId, limit: 100 });
  return items.map((m) => ({
    meter: m.meter.name,
    consumed: m.consumed_units,
    credited: m.credited_units,
    balance: m.balance,
  }));
}

/** Records one API call of the user; throws PolarError when Polar fails. */
export async function recordApiCall(polar: Polar, userId: string): Promise<void> {
  await polar.events.ingest({ events: [{ name: USAGE_EVENT, external_customer_id: userId }] });
}
