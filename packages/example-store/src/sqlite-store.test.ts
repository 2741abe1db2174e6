import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import type { OrderFact, SubscriptionFact } from "./facts.js";
import { closeSqliteStores, openSqliteStore, SqliteStore, webhookDeduplicator } from "./sqlite-store.js";

const subscription = (status: string, modifiedAt: string): SubscriptionFact => ({
  id: "sub_1",
  customerId: "cus_1",
  externalCustomerId: "user_1",
  productName: "Pro",
  amount: 900,
  currency: "usd",
  recurringInterval: "month",
  recurringIntervalCount: 1,
  status,
  cancelAtPeriodEnd: status === "active",
  currentPeriodEnd: "2026-02-01T00:00:00Z",
  endsAt: null,
  endedAt: null,
  lastEvent: `subscription.${status}`,
  modifiedAt,
});

describe("SqliteStore", () => {
  const dirs: string[] = [];
  afterEach(() => {
    closeSqliteStores();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("signs in once per email and finds the user again", () => {
    const store = new SqliteStore(":memory:");
    const user = store.signIn(" Ada@Example.com ");
    expect(user).toMatchObject({ email: "ada@example.com" });
    expect(store.signIn("ada@example.com").id).toBe(user.id);
    expect(store.findUser(user.id)).toEqual(user);
  });

  it("keeps a subscription's newest state: an older redelivery does not undo it", () => {
    const store = new SqliteStore(":memory:");
    store.recordSubscription(subscription("active", "2026-01-02T00:00:00Z"));
    store.recordSubscription(subscription("canceled", "2026-01-03T00:00:00Z"));
    store.recordSubscription(subscription("active", "2026-01-02T00:00:00Z"));
    expect(store.account("user_1").subscriptions).toEqual([subscription("canceled", "2026-01-03T00:00:00Z")]);
  });

  it("returns orders and license keys as facts, with booleans", () => {
    const store = new SqliteStore(":memory:");
    const order = {
      id: "ord_1",
      checkoutId: "co_1",
      customerId: "cus_1",
      externalCustomerId: "user_1",
      productName: "Pro",
      totalAmount: 900,
      currency: "usd",
      billingReason: "purchase",
      subscriptionId: null,
      createdAt: "2026-01-01T00:00:00Z",
    };
    store.recordOrder(order);
    store.recordOrder(order);
    const key = {
      grantId: "grant_1",
      customerId: "cus_1",
      externalCustomerId: "user_1",
      benefit: "CLI license",
      displayKey: "****-A1B2",
      granted: true,
      modifiedAt: "2026-01-01T00:00:00Z",
    };
    store.recordLicenseKey(key);
    expect(store.orderForCheckout("co_1")).toEqual(order);
    expect(store.account("user_1")).toEqual({ orders: [order], subscriptions: [], licenseKeys: [key] });
  });

  it("stores missing optional fields as null, ignores fields it has no column for, and returns plain objects", () => {
    const store = new SqliteStore(":memory:");
    const order = {
      id: "ord_2",
      checkoutId: "co_2",
      customerId: "cus_1",
      externalCustomerId: "user_1",
      productName: "Pro",
      totalAmount: 900,
      currency: "usd",
      billingReason: "purchase",
      createdAt: "2026-01-01T00:00:00Z",
    };
    // A payload without `subscriptionId`, and with a field the table does not keep.
    store.recordOrder({ ...order, subscriptionId: undefined, discountId: "d_1" } as unknown as OrderFact);
    const stored = store.orderForCheckout("co_2");
    expect(stored).toEqual({ ...order, subscriptionId: null });
    // Plain objects: React refuses to pass objects without a prototype to client components.
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(store.account("user_1").orders[0])).toBe(Object.prototype);
    store.close();
    store.close();
  });

  it("opens one store per folder and refuses a file of another schema version", () => {
    const dir = mkdtempSync(join(tmpdir(), "example-store-"));
    dirs.push(dir);
    expect(openSqliteStore(dir)).toBe(openSqliteStore(dir));
    closeSqliteStores();
    const other = mkdtempSync(join(tmpdir(), "example-store-"));
    dirs.push(other);
    const file = join(other, "store.sqlite");
    // A file from before the schema had a version: the tables exist, the version is 0.
    const older = new DatabaseSync(file);
    older.exec("CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
    older.close();
    expect(() => new SqliteStore(file)).toThrow(/another version of the example store/);
  });
});

describe("webhookDeduplicator", () => {
  const dirs: string[] = [];
  afterEach(() => {
    closeSqliteStores();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("remembers handled deliveries in the store's file, across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "example-store-dedupe-"));
    dirs.push(dir);
    let opened = 0;
    const store = () => {
      opened++;
      return openSqliteStore(dir);
    };
    const deduplicator = webhookDeduplicator(store);
    expect(opened).toBe(0); // the file opens on the first delivery, not before
    expect(await deduplicator.claim("msg_done")).toBe("claimed");
    await deduplicator.complete("msg_done");
    expect(await deduplicator.claim("msg_failed")).toBe("claimed");
    await deduplicator.release("msg_failed");
    expect(await deduplicator.claim("msg_running")).toBe("claimed");

    closeSqliteStores(); // the app restarts
    const restarted = webhookDeduplicator(() => openSqliteStore(dir));
    expect(await restarted.claim("msg_done")).toBe("done");
    expect(await restarted.claim("msg_failed")).toBe("claimed");
    expect(await restarted.claim("msg_running")).toBe("in_flight");
  });
});
