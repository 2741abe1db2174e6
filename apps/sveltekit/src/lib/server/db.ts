// The store's own data in SQLite: its users, and the facts Polar's webhooks delivered (orders,
// subscriptions, license keys), keyed by Polar's ids so a redelivered event overwrites instead of
// duplicating. One file per data folder, opened on first use.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

export interface User {
  id: string;
  email: string;
}

export interface OrderRow {
  id: string;
  checkoutId: string | null;
  externalCustomerId: string | null;
  productName: string;
  totalAmount: number;
  currency: string;
  createdAt: string;
}

export interface SubscriptionRow {
  id: string;
  externalCustomerId: string | null;
  productName: string;
  amount: number;
  currency: string;
  recurringInterval: string;
  recurringIntervalCount: number;
  status: string;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: string | null;
  endsAt: string | null;
  endedAt: string | null;
  /** Polar's `modified_at`: an older event never overwrites a newer one. */
  modifiedAt: string;
}

export interface LicenseKeyRow {
  grantId: string;
  externalCustomerId: string | null;
  benefit: string;
  /** The masked key webhooks carry (`****-A1B2C3`); the full key is in the customer portal. */
  displayKey: string;
  granted: boolean;
  modifiedAt: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  checkout_id TEXT,
  external_customer_id TEXT,
  product_name TEXT NOT NULL,
  total_amount INTEGER NOT NULL,
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_checkout ON orders (checkout_id);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (external_customer_id);
CREATE TABLE IF NOT EXISTS subscriptions (
  id TEXT PRIMARY KEY,
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
  modified_at TEXT NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_by_customer ON subscriptions (external_customer_id);
CREATE TABLE IF NOT EXISTS license_keys (
  grant_id TEXT PRIMARY KEY,
  external_customer_id TEXT,
  benefit TEXT NOT NULL,
  display_key TEXT NOT NULL,
  granted INTEGER NOT NULL,
  modified_at TEXT NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS license_keys_by_customer ON license_keys (external_customer_id);
`;

// Column names as the row types spell them, so rows come back ready to use.
const ORDER = `id, checkout_id AS checkoutId, external_customer_id AS externalCustomerId, product_name AS productName,
  total_amount AS totalAmount, currency, created_at AS createdAt`;
const SUBSCRIPTION = `id, external_customer_id AS externalCustomerId, product_name AS productName, amount, currency,
  recurring_interval AS recurringInterval, recurring_interval_count AS recurringIntervalCount, status,
  cancel_at_period_end AS cancelAtPeriodEnd, current_period_end AS currentPeriodEnd, ends_at AS endsAt,
  ended_at AS endedAt, modified_at AS modifiedAt`;
const LICENSE_KEY = `grant_id AS grantId, external_customer_id AS externalCustomerId, benefit,
  display_key AS displayKey, granted, modified_at AS modifiedAt`;

/** What `/account` shows for one user, newest first. */
export interface Account {
  orders: OrderRow[];
  subscriptions: SubscriptionRow[];
  licenseKeys: LicenseKeyRow[];
}

export class Store {
  readonly #db: Database.Database;

  constructor(readonly path: string) {
    this.#db = new Database(path);
    // WAL: readers (pages) do not wait for a writer (a webhook), and a crash leaves no half write.
    this.#db.pragma("journal_mode = WAL");
    this.#db.exec(SCHEMA);
  }

  /** The user with this email, created on first sign-in. */
  signIn(email: string): User {
    const normalized = email.trim().toLowerCase();
    return this.#db.transaction(() => {
      this.#db
        .prepare("INSERT INTO users (id, email, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING")
        .run(`user_${randomUUID()}`, normalized, new Date().toISOString());
      return this.#db.prepare("SELECT id, email FROM users WHERE email = ?").get(normalized) as User;
    })();
  }

  findUser(id: string): User | undefined {
    return this.#db.prepare("SELECT id, email FROM users WHERE id = ?").get(id) as User | undefined;
  }

  orderForCheckout(checkoutId: string): OrderRow | undefined {
    return this.#db.prepare(`SELECT ${ORDER} FROM orders WHERE checkout_id = ?`).get(checkoutId) as
      | OrderRow
      | undefined;
  }

  account(userId: string): Account {
    const rows = <T>(sql: string) => this.#db.prepare(sql).all(userId) as T[];
    const subscriptions = rows<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION} FROM subscriptions WHERE external_customer_id = ? ORDER BY modified_ms DESC`,
    );
    const licenseKeys = rows<LicenseKeyRow>(
      `SELECT ${LICENSE_KEY} FROM license_keys WHERE external_customer_id = ? ORDER BY modified_ms DESC`,
    );
    return {
      orders: rows<OrderRow>(`SELECT ${ORDER} FROM orders WHERE external_customer_id = ? ORDER BY created_at DESC`),
      // SQLite has no booleans: 0 and 1 become false and true.
      subscriptions: subscriptions.map((s) => ({ ...s, cancelAtPeriodEnd: Boolean(s.cancelAtPeriodEnd) })),
      licenseKeys: licenseKeys.map((k) => ({ ...k, granted: Boolean(k.granted) })),
    };
  }

  /** An order is paid once: a redelivery of `order.paid` changes nothing. */
  recordOrder(order: OrderRow): void {
    this.#db
      .prepare(
        `INSERT INTO orders (id, checkout_id, external_customer_id, product_name, total_amount, currency, created_at)
         VALUES (@id, @checkoutId, @externalCustomerId, @productName, @totalAmount, @currency, @createdAt)
         ON CONFLICT (id) DO NOTHING`,
      )
      .run(order);
  }

  /** The subscription's latest state; a retried, older event arriving after a newer one is ignored. */
  recordSubscription(s: SubscriptionRow): void {
    this.#db
      .prepare(
        `INSERT INTO subscriptions (id, external_customer_id, product_name, amount, currency, recurring_interval,
           recurring_interval_count, status, cancel_at_period_end, current_period_end, ends_at, ended_at,
           modified_at, modified_ms)
         VALUES (@id, @externalCustomerId, @productName, @amount, @currency, @recurringInterval,
           @recurringIntervalCount, @status, @cancelAtPeriodEnd, @currentPeriodEnd, @endsAt, @endedAt,
           @modifiedAt, @modifiedMs)
         ON CONFLICT (id) DO UPDATE SET
           product_name = excluded.product_name, amount = excluded.amount, currency = excluded.currency,
           recurring_interval = excluded.recurring_interval,
           recurring_interval_count = excluded.recurring_interval_count, status = excluded.status,
           cancel_at_period_end = excluded.cancel_at_period_end, current_period_end = excluded.current_period_end,
           ends_at = excluded.ends_at, ended_at = excluded.ended_at,
           modified_at = excluded.modified_at, modified_ms = excluded.modified_ms
         WHERE excluded.modified_ms >= subscriptions.modified_ms`,
      )
      .run({ ...s, cancelAtPeriodEnd: s.cancelAtPeriodEnd ? 1 : 0, modifiedMs: Date.parse(s.modifiedAt) });
  }

  /** A license key grant's latest state, by the same rule as subscriptions. */
  recordLicenseKey(k: LicenseKeyRow): void {
    this.#db
      .prepare(
        `INSERT INTO license_keys (grant_id, external_customer_id, benefit, display_key, granted, modified_at, modified_ms)
         VALUES (@grantId, @externalCustomerId, @benefit, @displayKey, @granted, @modifiedAt, @modifiedMs)
         ON CONFLICT (grant_id) DO UPDATE SET
           benefit = excluded.benefit, display_key = excluded.display_key, granted = excluded.granted,
           modified_at = excluded.modified_at, modified_ms = excluded.modified_ms
         WHERE excluded.modified_ms >= license_keys.modified_ms`,
      )
      .run({ ...k, granted: k.granted ? 1 : 0, modifiedMs: Date.parse(k.modifiedAt) });
  }

  close(): void {
    this.#db.close();
  }
}

const stores = new Map<string, Store>();

/** The store in `dir` (created with its schema on first open), shared by every request. */
export function openStore(dir: string): Store {
  let store = stores.get(dir);
  if (!store) {
    mkdirSync(dir, { recursive: true });
    store = new Store(join(dir, "store.sqlite"));
    stores.set(dir, store);
  }
  return store;
}

// adapter-node emits this on SIGTERM/SIGINT once requests are done: close the files cleanly.
process.on("sveltekit:shutdown", () => {
  for (const store of stores.values()) store.close();
  stores.clear();
});
