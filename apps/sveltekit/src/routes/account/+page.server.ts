import { type Polar, PolarError } from "@polar-kit/core";
import { billingPeriod, formatDate, formatMoney, subscriptionStatus } from "@polar-kit/example-store/format";
import { meterUsage } from "@polar-kit/example-store/usage";
import { redirect } from "@sveltejs/kit";
import { polarClient } from "#lib/server/config.ts";
import { store } from "#lib/server/db.ts";
import type { PageServerLoad } from "./$types";

/** The user's meters, read live from Polar; `undefined` when Polar cannot be reached. */
async function usageOf(polar: Polar, userId: string) {
  try {
    return await meterUsage(polar, userId);
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
      status: subscriptionStatus(s),
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
