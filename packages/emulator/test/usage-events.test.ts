import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );

const customer = await polar.customers.create({ email: "events@example.com", external_id: "user-1" } as never);
/** The page total (events:list may also answer cursor pagination, which the emulator never does). */
const total = (page: { pagination: object }) => (page.pagination as { total_count: number }).total_count;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe("events", () => {
  it("ingests by customer id or external id, de-duplicates on external_id, keeps metadata", async () => {
    const res = await polar.events.ingest({
      events: [
        { name: "api.call", customer_id: customer.id, external_id: "e-1", metadata: { route: "/a", ms: 12 } },
        { name: "api.call", external_customer_id: "user-1", external_id: "e-2", timestamp: minutesAgo(5) },
        {
          name: "api.call",
          external_customer_id: "not-yet-a-customer",
          metadata: { _cost: { amount: 1.5, currency: "usd" } },
        },
        { name: "api.call", customer_id: customer.id, external_id: "e-1" },
      ],
    } as never);
    expect(res).toEqual({ inserted: 3, duplicates: 1 });
    expect(
      await polar.events.ingest({
        events: [{ name: "api.call", customer_id: customer.id, external_id: "e-2" }],
      } as never),
    ).toEqual({
      inserted: 0,
      duplicates: 1,
    });

    const page = await polar.events.list({ customer_id: customer.id, source: "user", sorting: ["timestamp"] });
    expect(total(page)).toBe(2);
    expect(page.items.map((e) => e.customer_id)).toEqual([customer.id, customer.id]);
    const first = page.items[1] as { metadata: Record<string, unknown>; id: string; source: string };
    expect(first).toMatchObject({ source: "user", metadata: { route: "/a", ms: 12 } });
    expect((await polar.events.get(first.id)).id).toBe(first.id);
    expect((await failure(polar.events.get(crypto.randomUUID()))).status).toBe(404);

    const external = await polar.events.list({ external_customer_id: "not-yet-a-customer" });
    expect(external.items[0]).toMatchObject({
      customer: null,
      metadata: { _cost: { amount: "1.5", currency: "usd" } },
    });
  });

  it("refuses the whole batch when a customer is unknown", async () => {
    const before = total(await polar.events.list({ name: "batch.check" }));
    const res = await call(emu, "POST", "/v1/events/ingest", {
      body: {
        events: [
          { name: "batch.check", customer_id: customer.id },
          { name: "batch.check", customer_id: crypto.randomUUID() },
        ],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(["body", "events", 1, "customer_id"]);
    expect(total(await polar.events.list({ name: "batch.check" }))).toBe(before);

    const withOrganization = await call(emu, "POST", "/v1/events/ingest", {
      body: { events: [{ name: "x", customer_id: customer.id, organization_id: emu.organizationId }] },
    });
    expect(withOrganization.status).toBe(422);
    expect(withOrganization.body.detail[0]).toMatchObject({
      loc: ["body", "events", 0, "organization_id"],
      type: "organization_token",
    });

    const future = await call(emu, "POST", "/v1/events/ingest", {
      body: {
        events: [{ name: "late", customer_id: customer.id, timestamp: new Date(Date.now() + 3_600_000).toISOString() }],
      },
    });
    expect(future.status).toBe(422);
    expect(future.body.detail[0].loc).toEqual(["body", "events", 0, "timestamp"]);
  });

  it("filters and paginates the list; lists names and event types", async () => {
    await polar.events.ingest({
      events: Array.from({ length: 25 }, (_, i) => ({
        name: i % 2 ? "search.odd" : "search.even",
        external_customer_id: "pager",
        metadata: { n: i, tier: i < 5 ? "pro" : "free" },
        timestamp: minutesAgo(100 - i),
      })),
    } as never);
    const page = await polar.events.list({ external_customer_id: "pager", limit: 10, page: 3 });
    expect(page.items).toHaveLength(5);
    expect(page.pagination).toEqual({ total_count: 25, max_page: 3 });
    const pro = await polar.events.list({ external_customer_id: "pager", metadata: { tier: "pro" } } as never);
    expect(total(pro)).toBe(5);
    const filter = JSON.stringify({
      conjunction: "and",
      clauses: [
        { property: "name", operator: "eq", value: "search.odd" },
        { property: "n", operator: "gte", value: 15 },
      ],
    });
    const filtered = await polar.events.list({ external_customer_id: "pager", filter });
    expect(filtered.items.map((e) => (e.metadata as { n: number }).n)).toEqual([23, 21, 19, 17, 15]);

    const names = await polar.events.listNames({ query: "search" });
    // Most recently seen first: the last event (n = 24) is even.
    expect(names.items.map((n) => [n.name, n.occurrences])).toEqual([
      ["search.even", 13],
      ["search.odd", 12],
    ]);
    const types = await polar.eventTypes.list({ query: "search", sorting: ["name"] });
    expect(types.items.map((t) => [t.name, t.occurrences, t.source])).toEqual([
      ["search.even", 13, "user"],
      ["search.odd", 12, "user"],
    ]);
    expect(types.items[0]?.id).toBeTruthy();
  });
});

describe("event trees", () => {
  it("lists descendants up to a depth, from the roots or from an anchor event", async () => {
    await polar.events.ingest({
      events: [
        { name: "tree.root", external_customer_id: "tree-user", external_id: "t-root" },
        { name: "tree.child", external_customer_id: "tree-user", external_id: "t-child", parent_id: "t-root" },
        { name: "tree.grandchild", external_customer_id: "tree-user", parent_id: "t-child" },
      ],
    } as never);
    const names = async (query: Record<string, unknown>) =>
      (await polar.events.list({ external_customer_id: "tree-user", ...query } as never)).items
        .map((event) => event.name)
        .sort();
    expect(await names({})).toEqual(["tree.child", "tree.grandchild", "tree.root"]);
    expect(await names({ depth: 0 })).toEqual(["tree.root"]);
    expect(await names({ depth: 1 })).toEqual(["tree.child", "tree.root"]);
    expect(await names({ depth: 5 })).toEqual(["tree.child", "tree.grandchild", "tree.root"]);

    const [root] = (await polar.events.list({ name: "tree.root" })).items;
    expect(root?.child_count).toBe(1);
    expect(await names({ parent_id: root?.id })).toEqual(["tree.child"]);
    expect(await names({ parent_id: root?.id, depth: 0 })).toEqual(["tree.root"]);
    expect(await names({ parent_id: root?.id, depth: 2 })).toEqual(["tree.child", "tree.grandchild", "tree.root"]);
    // Deeper than the API allows is refused, naming the parameter.
    const tooDeep = await call(emu, "GET", "/v1/events/?depth=6");
    expect(tooDeep.status).toBe(422);
    expect(tooDeep.body.detail[0].loc).toEqual(["query", "depth"]);
  });
});
