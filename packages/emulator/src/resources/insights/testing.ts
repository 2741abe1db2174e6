// Test helpers of the insights: purchases made through real checkouts (API confirm), so that the
// metrics, payments and disputes read what a buyer would have produced.
import { expect } from "vitest";
import { call } from "../../../test/harness";
import { uuid } from "../../ids";
import type { RunningEmulator } from "../../server";

/** A product created through the API: one-time unless `recurring` names an interval. */
export async function createProduct(
  emu: RunningEmulator,
  amount: number,
  options: { recurring?: "month" | "year"; token?: string; benefits?: string[] } = {},
) {
  const res = await call(emu, "POST", "/v1/products/", {
    token: options.token,
    body: {
      name: `Insights ${uuid().slice(0, 8)}`,
      prices: [{ amount_type: "fixed", price_amount: amount, price_currency: "usd" }],
      ...(options.recurring && { recurring_interval: options.recurring }),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  if (options.benefits?.length) {
    const linked = await call(emu, "POST", `/v1/products/${res.body.id}/benefits`, {
      token: options.token,
      body: { benefits: options.benefits },
    });
    expect(linked.status).toBe(200);
  }
  return res.body as { id: string; organization_id: string };
}

/** Buys a product through a checkout confirmed as the buyer would; returns the paid order. */
export async function buy(emu: RunningEmulator, productId: string, options: { email?: string; token?: string } = {}) {
  const checkout = await call(emu, "POST", "/v1/checkouts/", { token: options.token, body: { products: [productId] } });
  expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
  const confirmed = await call(emu, "POST", `/v1/checkouts/client/${checkout.body.client_secret}/confirm`, {
    token: null,
    body: {
      customer_email: options.email ?? `buyer-${uuid().slice(0, 8)}@example.com`,
      customer_name: "Insights Buyer",
      customer_billing_address: { country: "FR" },
    },
  });
  expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  const orders = await call(emu, "GET", `/v1/orders/?checkout_id=${checkout.body.id}`, { token: options.token });
  return orders.body.items[0];
}

/** Today's date in UTC, as `YYYY-MM-DD`, by the emulator's clock. */
export const today = (emu: RunningEmulator, plusDays = 0) =>
  new Date(emu.state.clock.now().getTime() + plusDays * 86_400_000).toISOString().slice(0, 10);
