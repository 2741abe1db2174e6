import { describe, expect, it } from "vitest";
import { call, organizationToken, otherOrganization, useEmulator } from "../../../test/harness";
import { INTERVAL_LIMITS } from "../../zoned-time";
import { METRICS } from "./definitions";
import { buy, createProduct, today } from "./testing";

const { emu } = await useEmulator();
const DAY_MS = 86_400_000;

type Body = { periods: Record<string, unknown>[]; totals: Record<string, number>; metrics: Record<string, unknown> };

async function metrics(query: string, token?: string): Promise<Body> {
  const res = await call(emu, "GET", `/v1/metrics/?${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

// Yesterday to tomorrow: today's sales are inside even if the date turns during a test.
const todayRange = () => `start_date=${today(emu, -1)}&end_date=${today(emu, 1)}&interval=day`;

/** Every paid order of the emulator's organization, as `orders:list` returns them. */
async function paidOrders() {
  const res = await call(emu, "GET", "/v1/orders/?limit=100");
  return (res.body.items as { status: string; net_amount: number; subscription_id: string | null }[]).filter((o) =>
    ["paid", "refunded", "partially_refunded"].includes(o.status),
  );
}

describe("metrics:get", () => {
  it("adds up to the orders bought through checkouts", async () => {
    const book = await createProduct(emu, 2500);
    const course = await createProduct(emu, 9900);
    const plan = await createProduct(emu, 1200, { recurring: "month" });
    await buy(emu, book.id);
    await buy(emu, book.id);
    await buy(emu, course.id);
    await buy(emu, plan.id);
    // An abandoned checkout counts as a checkout, not as a sale.
    expect((await call(emu, "POST", "/v1/checkouts/", { body: { products: [course.id] } })).status).toBe(201);

    const orders = await paidOrders();
    const revenue = orders.reduce((sum, o) => sum + o.net_amount, 0);
    const oneTime = orders.filter((o) => o.subscription_id === null);
    const body = await metrics(todayRange());
    expect(body.periods).toHaveLength(3);
    expect(body.totals).toMatchObject({
      orders: orders.length,
      revenue,
      net_revenue: revenue,
      cumulative_revenue: revenue,
      one_time_products: oneTime.length,
      one_time_products_revenue: oneTime.reduce((sum, o) => sum + o.net_amount, 0),
      new_subscriptions: 1,
      new_subscriptions_revenue: 1200,
      active_subscriptions: 1,
      monthly_recurring_revenue: 1200,
      annual_recurring_revenue: 14_400,
      average_revenue_per_user: 1200,
      checkouts: 5,
      succeeded_checkouts: 4,
      checkouts_conversion: 0.8,
    });
    expect(revenue).toBe(2500 + 2500 + 9900 + 1200);
    expect(body.totals.average_order_value).toBe(revenue / orders.length);
    expect(body.periods.map((p) => p.timestamp)).toEqual(
      [-1, 0, 1].map((days) => `${today(emu, days)}T00:00:00+00:00`),
    );
    expect(body.periods.reduce((sum, p) => sum + (p.revenue as number), 0)).toBe(revenue);
  });

  it("declares every metric of the spec, with its unit, and a value for each", async () => {
    const body = await metrics(todayRange());
    expect(Object.keys(body.metrics)).toEqual(METRICS.map((m) => m.slug));
    expect(body.metrics.revenue).toEqual({ slug: "revenue", display_name: "Revenue", type: "currency" });
    expect(body.metrics.costs).toMatchObject({ type: "currency_sub_cent" });
    expect(body.metrics.churn_rate).toMatchObject({ type: "percentage" });
    for (const slug of Object.keys(body.metrics)) {
      expect(typeof body.totals[slug], slug).toBe("number");
      expect(typeof body.periods[0]?.[slug], slug).toBe("number");
    }
  });

  it("narrows to a product, a billing type or a customer", async () => {
    const product = await createProduct(emu, 700);
    const order = await buy(emu, product.id);
    const byProduct = await metrics(`${todayRange()}&product_id=${product.id}`);
    expect(byProduct.totals).toMatchObject({ orders: 1, revenue: 700, checkouts: 1, active_subscriptions: 0 });
    const byCustomer = await metrics(`${todayRange()}&customer_id=${order.customer_id}`);
    expect(byCustomer.totals).toMatchObject({ orders: 1, revenue: 700 });

    const orders = await paidOrders();
    const oneTime = await metrics(`${todayRange()}&billing_type=one_time`);
    const recurring = await metrics(`${todayRange()}&billing_type=recurring`);
    expect(oneTime.totals.orders).toBe(orders.filter((o) => o.subscription_id === null).length);
    expect(recurring.totals.orders).toBe(orders.filter((o) => o.subscription_id !== null).length);
    expect(oneTime.totals.active_subscriptions).toBe(0);
    expect(recurring.totals.active_subscriptions).toBe(1);
    const both = await metrics(`${todayRange()}&billing_type=one_time&billing_type=recurring`);
    expect(both.totals.orders).toBe(orders.length);
  });

  it("returns only the metrics asked for, and refuses unknown slugs", async () => {
    const body = await metrics(`${todayRange()}&metrics=revenue&metrics=orders`);
    expect(Object.keys(body.metrics)).toEqual(["orders", "revenue"]);
    expect(Object.keys(body.totals)).toEqual(["orders", "revenue"]);
    expect(Object.keys(body.periods[0] ?? {})).toEqual(["timestamp", "orders", "revenue"]);
    const bad = await call(emu, "GET", `/v1/metrics/?${todayRange()}&metrics=revenue&metrics=happiness`);
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ["query", "metrics"], msg: "Invalid metric slugs: happiness" });
  });

  it("sums event costs and counts the customers who sent events", async () => {
    const customer = await call(emu, "POST", "/v1/customers/", { body: { email: "costly@example.com" } });
    const ingest = await call(emu, "POST", "/v1/events/ingest", {
      body: {
        events: [
          { name: "llm.call", customer_id: customer.body.id, metadata: { _cost: { amount: 12.5, currency: "usd" } } },
          { name: "llm.call", customer_id: customer.body.id, metadata: { _cost: { amount: 7.5, currency: "usd" } } },
          { name: "llm.call", external_customer_id: "someone-else" },
        ],
      },
    });
    expect(ingest.status).toBe(200);
    const body = await metrics(todayRange());
    expect(body.totals).toMatchObject({ costs: 20, cumulative_costs: 20, active_user_by_event: 2, cost_per_user: 10 });
    const { revenue = 0, cumulative_revenue = 0 } = body.totals;
    expect(body.totals.cashflow).toBe(revenue - 20);
    expect(body.totals.gross_margin).toBe(cumulative_revenue - 20);
    const mine = await metrics(`${todayRange()}&customer_id=${customer.body.id}`);
    expect(mine.totals).toMatchObject({ costs: 20, active_user_by_event: 1, orders: 0 });
  });

  it("counts nothing of another organization, and nothing for an organization filter naming another", async () => {
    const other = otherOrganization(emu);
    const theirs = await metrics(todayRange(), other.token);
    expect(theirs.totals).toMatchObject({ orders: 0, revenue: 0, checkouts: 0, active_subscriptions: 0, costs: 0 });
    const product = await createProduct(emu, 4200, { token: other.token });
    await buy(emu, product.id, { token: other.token });
    expect((await metrics(todayRange(), other.token)).totals).toMatchObject({ orders: 1, revenue: 4200 });
    const named = await metrics(`${todayRange()}&organization_id=${emu.organizationId}`, other.token);
    expect(named.totals).toMatchObject({ orders: 0, revenue: 0 });
    const ours = await metrics(`${todayRange()}&product_id=${product.id}`);
    expect(ours.totals).toMatchObject({ orders: 0, revenue: 0 });
  });
});

describe("seats", () => {
  it("counts the seats of seat-based subscriptions, claimed and pending", async () => {
    const product = await call(emu, "POST", "/v1/products/", {
      body: {
        name: "Team plan",
        recurring_interval: "month",
        prices: [
          {
            amount_type: "seat_based",
            price_currency: "usd",
            seat_tiers: { seat_tier_type: "volume", tiers: [{ min_seats: 1, max_seats: null, price_per_seat: 1000 }] },
          },
        ],
      },
    });
    expect(product.status).toBe(201);
    const checkout = await call(emu, "POST", "/v1/checkouts/", { body: { products: [product.body.id], seats: 4 } });
    const paid = await call(emu, "POST", `/v1/checkouts/client/${checkout.body.client_secret}/confirm`, {
      token: null,
      body: { customer_email: "team@example.com", customer_name: "Team", customer_billing_address: { country: "FR" } },
    });
    expect(paid.status).toBe(200);
    const [subscription] = (await call(emu, "GET", `/v1/subscriptions/?product_id=${product.body.id}`)).body.items;
    for (const [email, immediate_claim] of [
      ["claimed@example.com", true],
      ["invited@example.com", false],
    ] as const) {
      const seat = await call(emu, "POST", "/v1/customer-seats", {
        body: { subscription_id: subscription.id, email, immediate_claim },
      });
      expect(seat.status, JSON.stringify(seat.body)).toBe(200);
    }
    const body = await metrics(`${todayRange()}&product_id=${product.body.id}`);
    expect(body.totals).toMatchObject({
      seats_total: 4,
      seats_claimed: 1,
      seats_pending: 1,
      seat_customers: 1,
      new_seat_customers: 1,
      average_seats_per_customer: 4,
      seat_utilization_rate: 0.25,
      monthly_recurring_revenue: 4000,
    });
  });
});

describe("trials", () => {
  it("counts a trialing subscription in the trial MRR, not the MRR, and yearly plans by the month", async () => {
    const trial = await call(emu, "POST", "/v1/products/", {
      body: {
        name: "Trial plan",
        recurring_interval: "month",
        trial_interval: "day",
        trial_interval_count: 14,
        prices: [{ amount_type: "fixed", price_amount: 2000, price_currency: "usd" }],
      },
    });
    expect(trial.status).toBe(201);
    const order = await buy(emu, trial.body.id);
    expect(order.net_amount).toBe(0);
    const trialing = await metrics(`${todayRange()}&product_id=${trial.body.id}`);
    expect(trialing.totals).toMatchObject({
      active_subscriptions: 1,
      monthly_recurring_revenue: 0,
      trial_monthly_recurring_revenue: 2000,
      trial_committed_monthly_recurring_revenue: 2000,
      orders: 1,
      revenue: 0,
    });
    const yearly = await createProduct(emu, 12_000, { recurring: "year" });
    await buy(emu, yearly.id);
    const annual = await metrics(`${todayRange()}&product_id=${yearly.id}`);
    expect(annual.totals).toMatchObject({ monthly_recurring_revenue: 1000, annual_recurring_revenue: 12_000 });
  });
});

describe("periods, time zones and limits", () => {
  it("builds one period per interval step, in the requested time zone", async () => {
    const paris = await metrics("start_date=2026-01-10&end_date=2026-01-12&interval=day&timezone=Europe/Paris");
    expect(paris.periods.map((p) => p.timestamp)).toEqual([
      "2026-01-10T00:00:00+01:00",
      "2026-01-11T00:00:00+01:00",
      "2026-01-12T00:00:00+01:00",
    ]);
    // New York springs forward on 2026-03-08: that day has 23 hours.
    const dst = await metrics("start_date=2026-03-08&end_date=2026-03-08&interval=hour&timezone=America/New_York");
    expect(dst.periods).toHaveLength(23);
    expect(dst.periods[0]?.timestamp).toBe("2026-03-08T00:00:00-05:00");
    expect(dst.periods[2]?.timestamp).toBe("2026-03-08T03:00:00-04:00");
    // Weeks start on Monday; months and years on their first day.
    const weeks = await metrics("start_date=2026-01-01&end_date=2026-01-31&interval=week");
    expect(weeks.periods[0]?.timestamp).toBe("2025-12-29T00:00:00+00:00");
    expect(weeks.periods).toHaveLength(5);
    const months = await metrics("start_date=2025-11-15&end_date=2026-02-01&interval=month&timezone=Asia/Tokyo");
    expect(months.periods.map((p) => p.timestamp)).toEqual([
      "2025-11-01T00:00:00+09:00",
      "2025-12-01T00:00:00+09:00",
      "2026-01-01T00:00:00+09:00",
      "2026-02-01T00:00:00+09:00",
    ]);
    const years = await metrics("start_date=2024-06-01&end_date=2026-06-01&interval=year");
    expect(years.periods.map((p) => p.timestamp)).toEqual([
      "2024-01-01T00:00:00+00:00",
      "2025-01-01T00:00:00+00:00",
      "2026-01-01T00:00:00+00:00",
    ]);
  });

  it("puts today's sales in today's period and none before", async () => {
    const body = await metrics(`start_date=${today(emu, -2)}&end_date=${today(emu)}&interval=day`);
    expect(body.periods).toHaveLength(3);
    expect(body.periods[0]).toMatchObject({ orders: 0, revenue: 0, cumulative_revenue: 0 });
    expect(body.periods[2]?.revenue).toBe(body.totals.revenue);
    expect(body.periods[2]?.cumulative_revenue).toBe(body.totals.revenue);
    // Earlier revenue carries into the cumulative revenue of a later range.
    const tomorrow = await metrics(`start_date=${today(emu, 1)}&end_date=${today(emu, 1)}&interval=day`);
    expect(tomorrow.totals).toMatchObject({ revenue: 0, cumulative_revenue: body.totals.revenue });
  });

  it("accepts every interval up to its maximum range and refuses one day more (422)", async () => {
    for (const [interval, { max_days }] of Object.entries(INTERVAL_LIMITS)) {
      const end = "2026-06-30";
      const start = new Date(Date.parse(end) - max_days * DAY_MS).toISOString().slice(0, 10);
      const within = await call(emu, "GET", `/v1/metrics/?start_date=${start}&end_date=${end}&interval=${interval}`);
      expect(within.status, interval).toBe(200);
      const earlier = new Date(Date.parse(start) - DAY_MS).toISOString().slice(0, 10);
      const beyond = await call(emu, "GET", `/v1/metrics/?start_date=${earlier}&end_date=${end}&interval=${interval}`);
      expect(beyond.status, interval).toBe(422);
      expect(beyond.body.detail[0]).toMatchObject({ loc: ["query"], type: "value_error" });
    }
    const reversed = await call(emu, "GET", "/v1/metrics/?start_date=2026-02-02&end_date=2026-02-01&interval=day");
    expect(reversed.status).toBe(422);
  });

  it("validates the query: required dates, known interval and time zone, real dates", async () => {
    const missing = await call(emu, "GET", "/v1/metrics/?interval=day");
    expect(missing.status).toBe(422);
    expect(missing.body.detail.map((d: { loc: string[] }) => d.loc[1]).sort()).toEqual(["end_date", "start_date"]);
    const interval = await call(emu, "GET", "/v1/metrics/?start_date=2026-01-01&end_date=2026-01-02&interval=minute");
    expect(interval.status).toBe(422);
    expect(interval.body.detail[0].loc).toEqual(["query", "interval"]);
    const zone = await call(
      emu,
      "GET",
      "/v1/metrics/?start_date=2026-01-01&end_date=2026-01-02&interval=day&timezone=Mars/Olympus",
    );
    expect(zone.status).toBe(422);
    const date = await call(emu, "GET", "/v1/metrics/?start_date=2026-13-01&end_date=2026-01-02&interval=day");
    expect(date.status).toBe(422);
    const hostile = await call(
      emu,
      "GET",
      "/v1/metrics/?start_date=2026-01-01&end_date=2026-01-02&interval=day&product_id=%27%20OR%201%3D1--",
    );
    expect(hostile.status).toBe(422);
  });

  it("needs a token with metrics:read", async () => {
    expect((await call(emu, "GET", `/v1/metrics/?${todayRange()}`, { token: null })).status).toBe(401);
    const token = organizationToken(emu, emu.organizationId, ["orders:read"]);
    expect((await call(emu, "GET", `/v1/metrics/?${todayRange()}`, { token })).status).toBe(403);
    expect((await call(emu, "GET", "/v1/metrics/limits", { token })).status).toBe(403);
  });
});

describe("metrics:limits and metrics:export", () => {
  it("gives the range limits of each interval", async () => {
    const res = await call(emu, "GET", "/v1/metrics/limits");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      min_date: "2023-01-01",
      intervals: {
        hour: { min_days: 0, max_days: 7 },
        day: { min_days: 0, max_days: 366 },
        week: { min_days: 14, max_days: 371 },
        month: { min_days: 60, max_days: 1460 },
        year: { min_days: 366, max_days: 3650 },
      },
    });
  });

  it("exports the same numbers as CSV, one row per period", async () => {
    const json = await metrics(
      `start_date=${today(emu, -1)}&end_date=${today(emu)}&interval=day&metrics=orders&metrics=revenue`,
    );
    const res = await fetch(
      `${emu.url}/v1/metrics/export?start_date=${today(emu, -1)}&end_date=${today(emu)}&interval=day&metrics=orders&metrics=revenue`,
      { headers: { authorization: `Bearer ${emu.accessToken}` } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("timestamp,orders,revenue");
    expect(lines.slice(1)).toEqual(json.periods.map((p) => `${p.timestamp},${p.orders},${p.revenue}`));
    const bad = await call(emu, "GET", `/v1/metrics/export?start_date=2020-01-01&end_date=2026-01-01&interval=day`);
    expect(bad.status).toBe(422);
  });
});

describe("subscriptions over time", () => {
  it("counts a renewal, then a cancellation, in the months they happen", async () => {
    const plan = await createProduct(emu, 3000, { recurring: "month" });
    const order = await buy(emu, plan.id);
    const before = await metrics(`${todayRange()}&product_id=${plan.id}`);
    expect(before.totals).toMatchObject({
      active_subscriptions: 1,
      monthly_recurring_revenue: 3000,
      new_subscriptions: 1,
    });
    const start = today(emu);
    emu.advanceClock(32 * DAY_MS);
    const renewed = await metrics(`start_date=${start}&end_date=${today(emu)}&interval=month&product_id=${plan.id}`);
    expect(renewed.totals).toMatchObject({
      orders: 2,
      revenue: 6000,
      renewed_subscriptions: 1,
      renewed_subscriptions_revenue: 3000,
      new_subscriptions_revenue: 3000,
      active_subscriptions: 1,
    });
    const cancel = await call(emu, "PATCH", `/v1/subscriptions/${order.subscription_id}`, {
      body: { cancel_at_period_end: true, customer_cancellation_reason: "too_expensive" },
    });
    expect(cancel.status).toBe(200);
    const canceled = await metrics(`${todayRange()}&product_id=${plan.id}`);
    expect(canceled.totals).toMatchObject({
      canceled_subscriptions: 1,
      canceled_subscriptions_too_expensive: 1,
      active_subscriptions: 1,
      committed_subscriptions: 0,
      committed_monthly_recurring_revenue: 0,
      monthly_recurring_revenue: 3000,
    });
    emu.advanceClock(32 * DAY_MS);
    const churned = await metrics(`start_date=${start}&end_date=${today(emu)}&interval=month&product_id=${plan.id}`);
    expect(churned.totals).toMatchObject({ churned_subscriptions: 1, active_subscriptions: 0, orders: 2 });
  });
});
