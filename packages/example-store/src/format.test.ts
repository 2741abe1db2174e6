import type { Product } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import type { SubscriptionFact } from "./facts.js";
import { productPeriod, subscriptionStatus } from "./format.js";

type Status = Pick<SubscriptionFact, "status" | "cancelAtPeriodEnd" | "currentPeriodEnd" | "endsAt" | "endedAt">;
const subscription = (fields: Partial<Status>): Status => ({
  status: "active",
  cancelAtPeriodEnd: false,
  currentPeriodEnd: "2026-02-01T00:00:00Z",
  endsAt: null,
  endedAt: null,
  ...fields,
});

describe("subscriptionStatus", () => {
  it("describes each state in the account page's words", () => {
    expect(subscriptionStatus(subscription({}))).toEqual({ text: "Active", note: ", renews 2026-02-01", tone: "ok" });
    expect(subscriptionStatus(subscription({ cancelAtPeriodEnd: true, endsAt: "2026-02-03T00:00:00Z" }))).toEqual({
      text: "Active until 2026-02-03",
      note: " (canceled)",
      tone: "ok",
    });
    expect(subscriptionStatus(subscription({ status: "trialing" }))).toEqual({
      text: "Trial until 2026-02-01",
      note: "",
      tone: "ok",
    });
    expect(subscriptionStatus(subscription({ status: "past_due" }))).toMatchObject({ text: "Payment overdue" });
    expect(subscriptionStatus(subscription({ status: "incomplete" }))).toMatchObject({
      text: "Waiting for payment",
      tone: "muted",
    });
    expect(subscriptionStatus(subscription({ status: "canceled", endedAt: "2026-03-01T00:00:00Z" }))).toEqual({
      text: "Access ended",
      note: " 2026-03-01",
      tone: "ended",
    });
  });

  it("says when a canceled subscription still runs, falling back to the period's end", () => {
    expect(subscriptionStatus(subscription({ cancelAtPeriodEnd: true })).text).toBe("Active until 2026-02-01");
  });
});

describe("productPeriod", () => {
  it("names the billing period, or one-time", () => {
    const product = (fields: Partial<Product>) =>
      ({ is_recurring: true, recurring_interval: "month", recurring_interval_count: 1, ...fields }) as Product;
    expect(productPeriod(product({}))).toBe("every month");
    expect(productPeriod(product({ recurring_interval_count: 3 }))).toBe("every 3 months");
    expect(productPeriod(product({ is_recurring: false, recurring_interval: null }))).toBe("one-time");
  });
});
