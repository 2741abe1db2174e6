// The example apps' data in SQLite (node:sqlite): their users, and the facts Polar's webhooks
// delivered (orders, subscriptions, license keys). Rows are keyed by Polar's ids, so a redelivered
// webhook overwrites instead of duplicating. The Next.js and SvelteKit apps use it; Hono keeps a
// JSON file with the same rules.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
// node:sqlite is imported here, not re-exported by ./sqlite.js: Next's Turbopack (16.5) fails to
// build a module that re-exports a builtin's binding ("Expected to find a local export").
import { DatabaseSync, type SQLInputValue } from "node:sqlite";
import { sqliteDeduplicator } from "@polar-kit/core/dedupe/sql";
import type { WebhookDeduplicator } from "@polar-kit/core/handlers";
import type { Account, FactSink, LicenseKeyFact, OrderFact, SubscriptionFact, User } from "./facts.js";
import { Statement, transaction } from "./sqlite.js";

/** Bumped when the tables change: a file of another version is refused rather than half read. */
const SCHEMA_VERSION = 1;

// `modified_ms` orders the states of one subscription or grant: the upserts below apply
// `isNotOlder` (facts.ts) in SQL, so a retried, older delivery arriving after a newer one does not
// undo it (ties go to the incoming event, which arrives later).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  checkout_id TEXT,
  customer_id TEXT NOT NULL,
  external_customer_id TEXT,
  product_name TEXT NOT NULL,
  total_amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  billing_reason TEXT NOT NULL,
  subscription_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_checkout ON orders (checkout_id);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (external_customer_id);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  external_customer_id TEXT,
  product_name TEXT NOT NULL,
  amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  recurring_interval TEXT NOT NULL,
  recurring_interval_count INTEGER NOT NULL,
  status TEXT NOT NULL,
  cancel_at_period_end INTEGER NOT NULL,
  current_period_end TEXT,
  ends_at TEXT,
  ended_at TEXT,
  last_event TEXT NOT NULL,
  modified_at TEXT NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_customer ON subscriptions (external_customer_id);
CREATE TABLE IF NOT EXISTS license_keys (
  grant_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  external_customer_id TEXT,
  benefit TEXT NOT NULL,
  display_key TEXT NOT NULL,
  granted INTEGER NOT NULL,
  modified_at TEXT NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS license_keys_by_customer ON license_keys (external_customer_id);
`;

// Column names as the fact types spell them, so rows come back ready to use.
const USER = "id, email, created_at AS createdAt";
const ORDER = `id, checkout_id AS checkoutId, customer_id AS customerId, external_customer_id AS externalCustomerId,
  product_name AS productName, total_amount AS totalAmount, currency, billing_reason AS billingReason,
  subscription_id AS subscriptionId, created_at AS createdAt`;
const SUBSCRIPTION = `id, customer_id AS customerId, external_customer_id AS externalCustomerId,
  product_name AS productName, amount, currency, recurring_interval AS recurringInterval,
  recurring_interval_count AS recurringIntervalCount, status, cancel_at_period_end AS cancelAtPeriodEnd,
  current_period_end AS currentPeriodEnd, ends_at AS endsAt, ended_at AS endedAt, last_event AS lastEvent,
  modified_at AS modifiedAt`;
const LICENSE_KEY = `grant_id AS grantId, customer_id AS customerId, external_customer_id AS externalCustomerId,
  benefit, display_key AS displayKey, granted, modified_at AS modifiedAt`;

const UPSERT_ORDER = `INSERT INTO orders (id, checkout_id, customer_id, external_customer_id, product_name, total_amount,
    currency, billing_reason, subscription_id, created_at)
  VALUES (@id, @checkoutId, @customerId, @externalCustomerId, @productName, @totalAmount, @currency,
    @billingReason, @subscriptionId, @createdAt)
  ON CONFLICT (id) DO UPDATE SET
    checkout_id = excluded.checkout_id, external_customer_id = excluded.external_customer_id,
    product_name = excluded.product_name, total_amount = excluded.total_amount, currency = excluded.currency,
    billing_reason = excluded.billing_reason, subscription_id = excluded.subscription_id`;

const UPSERT_SUBSCRIPTION = `INSERT INTO subscriptions (id, customer_id, external_customer_id, product_name, amount,
    currency, recurring_interval, recurring_interval_count, status, cancel_at_period_end, current_period_end, ends_at,
    ended_at, last_event, modified_at, modified_ms)
  VALUES (@id, @customerId, @externalCustomerId, @productName, @amount, @currency, @recurringInterval,
    @recurringIntervalCount, @status, @cancelAtPeriodEnd, @currentPeriodEnd, @endsAt, @endedAt, @lastEvent,
    @modifiedAt, @modifiedMs)
  ON CONFLICT (id) DO UPDATE SET
    external_customer_id = excluded.external_customer_id, product_name = excluded.product_name,
    amount = excluded.amount, currency = excluded.currency, recurring_interval = excluded.recurring_interval,
    recurring_interval_count = excluded.recurring_interval_count, status = excluded.status,
    cancel_at_period_end = excluded.cancel_at_period_end, current_period_end = excluded.current_period_end,
    ends_at = excluded.ends_at, ended_at = excluded.ended_at, last_event = excluded.last_event,
    modified_at = excluded.modified_at, modified_ms = excluded.modified_ms
  WHERE excluded.modified_ms >= subscriptions.modified_ms`;

const UPSERT_LICENSE_KEY = `INSERT INTO license_keys (grant_id, customer_id, external_customer_id, benefit, display_key,
    granted, modified_at, modified_ms)
  VALUES (@grantId, @customerId, @externalCustomerId, @benefit, @displayKey, @granted, @modifiedAt, @modifiedMs)
  ON CONFLICT (grant_id) DO UPDATE SET
    external_customer_id = excluded.external_customer_id, benefit = excluded.benefit,
    display_key = excluded.display_key, granted = excluded.granted,
    modified_at = excluded.modified_at, modified_ms = excluded.modified_ms
  WHERE excluded.modified_ms >= license_keys.modified_ms`;

// SQLite has no booleans: 0 and 1 come back as numbers.
type Stored<T, Flag extends keyof T> = Omit<T, Flag> & Record<Flag, number>;

/** `modified_at` as milliseconds, for comparing states in SQL. */
type Modified = { modifiedMs: number };

/**
 * The store's users and webhook facts in one SQLite file; a `FactSink` for `webhookHandlers`.
 *
 * @example
 * const store = new SqliteStore(":memory:");
 * const user = store.signIn("ada@example.com");
 * store.account(user.id); // { orders: [], subscriptions: [], licenseKeys: [] }
 */
export class SqliteStore implements FactSink {
  readonly #db: DatabaseSync;
  #open = true;
  #deduplicator: WebhookDeduplicator | undefined;
  // Prepared once, when the tables exist: SQLite parses each statement a single time.
  readonly #insertUser: Statement<[string, string, string]>;
  readonly #userById: Statement<[string], User>;
  readonly #userByEmail: Statement<[string], User>;
  readonly #orderByCheckout: Statement<[string], OrderFact>;
  readonly #ordersOf: Statement<[string], OrderFact>;
  readonly #subscriptionsOf: Statement<[string], Stored<SubscriptionFact, "cancelAtPeriodEnd">>;
  readonly #licenseKeysOf: Statement<[string], Stored<LicenseKeyFact, "granted">>;
  readonly #upsertOrder: Statement<[OrderFact]>;
  readonly #upsertSubscription: Statement<[Stored<SubscriptionFact, "cancelAtPeriodEnd"> & Modified]>;
  readonly #upsertLicenseKey: Statement<[Stored<LicenseKeyFact, "granted"> & Modified]>;

  constructor(readonly path: string) {
    const db = new DatabaseSync(path);
    this.#db = db;
    const { user_version: version } = db.prepare("PRAGMA user_version").get() as { user_version: number };
    const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'users'").get();
    if (hasTables && version !== SCHEMA_VERSION) {
      db.close();
      throw new Error(`${path} was written by another version of the example store: delete it or use another folder`);
    }
    // WAL: pages read while a webhook writes, and a crash leaves no half write. The busy timeout:
    // another process on the same file (a second dev server) is waited for, not failed at once.
    db.exec("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000");
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);

    this.#insertUser = new Statement(
      db,
      "INSERT INTO users (id, email, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING",
    );
    this.#userById = new Statement(db, `SELECT ${USER} FROM users WHERE id = ?`);
    this.#userByEmail = new Statement(db, `SELECT ${USER} FROM users WHERE email = ?`);
    this.#orderByCheckout = new Statement(db, `SELECT ${ORDER} FROM orders WHERE checkout_id = ?`);
    this.#ordersOf = new Statement(
      db,
      `SELECT ${ORDER} FROM orders WHERE external_customer_id = ? ORDER BY created_at DESC`,
    );
    this.#subscriptionsOf = new Statement(
      db,
      `SELECT ${SUBSCRIPTION} FROM subscriptions WHERE external_customer_id = ? ORDER BY modified_ms DESC`,
    );
    this.#licenseKeysOf = new Statement(
      db,
      `SELECT ${LICENSE_KEY} FROM license_keys WHERE external_customer_id = ? ORDER BY modified_ms DESC`,
    );
    this.#upsertOrder = new Statement(db, UPSERT_ORDER);
    this.#upsertSubscription = new Statement(db, UPSERT_SUBSCRIPTION);
    this.#upsertLicenseKey = new Statement(db, UPSERT_LICENSE_KEY);
  }

  /** The user with this email, created on first sign-in. */
  signIn(email: string): User {
    const normalized = email.trim().toLowerCase();
    return transaction(this.#db, () => {
      this.#insertUser.run(`user_${randomUUID()}`, normalized, new Date().toISOString());
      return this.#userByEmail.get(normalized) as User;
    });
  }

  findUser(id: string): User | undefined {
    return this.#userById.get(id);
  }

  /** The order a checkout produced, once its `order.paid` webhook arrived. */
  orderForCheckout(checkoutId: string): OrderFact | undefined {
    return this.#orderByCheckout.get(checkoutId);
  }

  account(userId: string): Account {
    return {
      orders: this.#ordersOf.all(userId),
      subscriptions: this.#subscriptionsOf
        .all(userId)
        .map((s) => ({ ...s, cancelAtPeriodEnd: Boolean(s.cancelAtPeriodEnd) })),
      licenseKeys: this.#licenseKeysOf.all(userId).map((k) => ({ ...k, granted: Boolean(k.granted) })),
    };
  }

  recordOrder(order: OrderFact): void {
    this.#upsertOrder.run(order);
  }

  recordSubscription(s: SubscriptionFact): void {
    this.#upsertSubscription.run({
      ...s,
      cancelAtPeriodEnd: s.cancelAtPeriodEnd ? 1 : 0,
      modifiedMs: Date.parse(s.modifiedAt),
    });
  }

  recordLicenseKey(k: LicenseKeyFact): void {
    this.#upsertLicenseKey.run({ ...k, granted: k.granted ? 1 : 0, modifiedMs: Date.parse(k.modifiedAt) });
  }

  /**
   * Which webhook deliveries ran (`polar_webhook_deliveries`, in this file), so that a restarted
   * app or a second process on the same file does not run a handled event again. One per store:
   * the attempts it holds are remembered in it between claim and complete.
   */
  webhookDeduplicator(): WebhookDeduplicator {
    const db = this.#db;
    this.#deduplicator ??= sqliteDeduplicator({
      query: async (sql, params) => db.prepare(sql).all(...(params as SQLInputValue[])),
    });
    return this.#deduplicator;
  }

  /** Closes the file; closing again does nothing. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#db.close();
  }
}

// One connection per data folder and process. On globalThis: a framework may load this module more
// than once (Next.js bundles pages and route handlers separately), and all copies must share it.
const shared = globalThis as { exampleSqliteStores?: Map<string, SqliteStore> };
const open = (): Map<string, SqliteStore> => {
  shared.exampleSqliteStores ??= new Map();
  return shared.exampleSqliteStores;
};

/**
 * The store in `dir` (`store.sqlite`, created with its tables on first open), shared by every request.
 *
 * @example
 * const store = openSqliteStore("/var/lib/shop");
 */
export function openSqliteStore(dir: string): SqliteStore {
  const stores = open();
  let store = stores.get(dir);
  if (!store) {
    mkdirSync(dir, { recursive: true });
    store = new SqliteStore(join(dir, "store.sqlite"));
    stores.set(dir, store);
  }
  return store;
}

/**
 * The `deduplicate` option of the example apps' webhooks: the deduplicator of the store `store`
 * returns, opened on the first delivery (after its signature checked out), not before.
 *
 * @example
 * Webhooks(() => ({ ...polarConnection(), deduplicate: webhookDeduplicator(store), ...webhookHandlers(store) }))
 */
export function webhookDeduplicator(store: () => SqliteStore): WebhookDeduplicator {
  return {
    claim: (id) => store().webhookDeduplicator().claim(id),
    complete: (id) => store().webhookDeduplicator().complete(id),
    release: (id) => store().webhookDeduplicator().release(id),
  };
}

/** Closes every store `openSqliteStore` opened, e.g. when the server shuts down. */
export function closeSqliteStores(): void {
  const stores = open();
  for (const store of stores.values()) store.close();
  stores.clear();
}
