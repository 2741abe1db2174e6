import { type Polar, PolarError } from "@polar-kit/core";
import { hasAccess, type SubscriptionFact } from "@polar-kit/example-store/facts";
import { billingPeriod, formatDate, formatMoney } from "@polar-kit/example-store/format";
import { redirect } from "@sveltejs/kit";
import { polarClient } from "$lib/server/config";
import { store } from "$lib/server/db";
import type { PageServerLoad } from "./$types";

/** A subscription's state in words, and whether it still gives access. */
function describeStatus(s: SubscriptionFact): { text: string; note: string; access: boolean } {
  const access = hasAccess(s);
  if (access && s.cancelAtPeriodEnd) {
    return { text: `Active until ${formatDate(s.endsAt ?? s.currentPeriodEnd)}`, note: "(canceled)", access };
  }
  if (s.status === "trialing") return { text: `Trial until ${formatDate(s.currentPeriodEnd)}`, note: "", access };
  if (access) return { text: "Active", note: `(renews ${formatDate(s.currentPeriodEnd)})`, access };
  if (s.status === "past_due") return { text: "Payment overdue", note: "", access };
  if (s.status === "incomplete") return { text: "Waiting for payment", note: "", access };
  return { text: "Access ended", note: formatDate(s.endedAt), access };
}

/** The user's meters, read live from Polar; `undefined` when Polar cannot be reached. */
async function usageOf(polar: Polar, userId: string) {
  try {
    const { items } = await polar.customerMeters.list({ external_customer_id: userId, limit: 100 });
    return items.map((m) => ({
      meter: m.meter.name,
      used: m.consumed_units,
      credited: m.credited_units,
      left: m.balance,
    }));
  } catch (failure) {
    if (!(failure instanceof PolarError)) throw failure;
    console.error(`[store] could not read usage: ${failure.message}`);
    return undefined;
  }
}

export const load: PageServerLoad = async ({ locals: { user }, url }) => {
  if (!user) redirect(303, `/login?next=${encodeURIComponent(url.pathname)}`);
  // Orders, subscriptions and keys come from stored webhooks; usage from Polar, live.
  const { orders, subscriptions, licenseKeys } = store().account(user.id);
  return {
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      productName: s.productName,
      price: `${formatMoney(s.amount, s.currency)} ${billingPeriod(s.recurringInterval, s.recurringIntervalCount)}`,
      status: describeStatus(s),
    })),
    orders: orders.map((o) => ({
      id: o.id,
      productName: o.productName,
      date: formatDate(o.createdAt),
      total: formatMoney(o.totalAmount, o.currency),
    })),
    licenseKeys,
    // Someone who bought something is a Polar customer, with a portal to open.
    isCustomer: orders.length > 0 || subscriptions.length > 0,
    usage: await usageOf(polarClient(), user.id),
  };
};
