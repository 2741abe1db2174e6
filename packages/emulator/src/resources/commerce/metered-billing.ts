// Metered prices are billed at the end of each cycle, on the renewal order: one line per metered
// price for the units the customer consumed beyond their credits (the meter's negative balance),
// at the price's unit amount, capped by `cap_amount`. Read before the cycle resets the meters.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { meterBalance } from "../usage/meters";
import type { OrderLine } from "./order-store";
import { isMetered } from "./products";
import type { Price, Subscription } from "./shared";

type MeteredPrice = Schema<"ProductPriceMeteredUnit">;

/** The usage lines of the period that just ended; none when nothing went beyond the credits. */
export function usageLines(state: EmulatorState, organizationId: string, subscription: Subscription): OrderLine[] {
  const prices = (subscription.prices as Price[]).filter(isMetered) as MeteredPrice[];
  return prices.flatMap((price) => {
    const units = Math.max(0, -meterBalance(state, organizationId, subscription.customer_id, price.meter_id));
    if (!units) return [];
    // `unit_amount` is in cents and may have decimals; orders are in whole cents.
    const amount = Math.round(units * Number(price.unit_amount));
    return [
      {
        label: `${price.meter.name}: ${units} ${units === 1 ? "unit" : "units"}`,
        amount: price.cap_amount == null ? amount : Math.min(amount, price.cap_amount),
        priceId: price.id,
      },
    ];
  });
}
