// The store's data in SQLite (better-sqlite3): its users, and the facts Polar's webhooks delivered.
// Rows are keyed by Polar's ids, so a redelivered webhook overwrites instead of duplicating.
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BenefitGrantWebhook, Order, Subscription } from "@polar-kit/core";
import Database from "better-sqlite3";
import { dataDir } from "./config";

export interface User {
  id: string;
  email: string;
}

export interface OrderRow {
  id: string;
  checkoutId: string | null;
  productName: string;
  totalAmount: number;
  currency: string;
  createdAt: string;
}

export interface SubscriptionRow {
  id: string;
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
}

export interface LicenseKeyRow {
  grantId: string;
  benefit: string;
  /** The masked key webhooks carry (`****-A1B2C3`); the full key is in the customer portal. */
  displayKey: string;
  granted: boolean;
}

/** What `/account` shows for one user. */
export interface Account {
  orders: OrderRow[];
  subscriptions: SubscriptionRow[];
  licenseKeys: LicenseKeyRow[];
}

// `modified_ms` orders the states of one subscription or grant: a retried, older delivery arriving
// after a newer one must not undo it (ties go to the incoming event, which arrives later).
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
  subscription_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_checkout ON orders (checkout_id);
CREATE INDEX IF NOT EXISTS orders_customer ON orders (external_customer_id);
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
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS subscriptions_customer ON subscriptions (external_customer_id);
CREATE TABLE IF NOT EXISTS license_keys (
  grant_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  external_customer_id TEXT,
  benefit TEXT NOT NULL,
  display_key TEXT NOT NULL,
  granted INTEGER NOT NULL,
  modified_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS license_keys_customer ON license_keys (external_customer_id);
`;

export class Store {
  readonly #db: Database.Database;

  constructor(file: string) {
    this.#db = new Database(file);
    // WAL: pages read while a webhook writes.
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
    return this.#db.prepare(`${SELECT_ORDER} WHERE checkout_id = ?`).get(checkoutId) as OrderRow | undefined;
  }

  account(userId: string): Account {
    const all = <Row>(sql: string) => this.#db.prepare(sql).all(userId) as Row[];
    return {
      orders: all<OrderRow>(`${SELECT_ORDER} WHERE external_customer_id = ? ORDER BY created_at DESC`),
      subscriptions: all<Omit<SubscriptionRow, "cancelAtPeriodEnd"> & { cancelAtPeriodEnd: number }>(
        `${SELECT_SUBSCRIPTION} WHERE external_customer_id = ? ORDER BY modified_ms DESC`,
      ).map((row) => ({ ...row, cancelAtPeriodEnd: Boolean(row.cancelAtPeriodEnd) })),
      licenseKeys: all<Omit<LicenseKeyRow, "granted"> & { granted: number }>(
        `${SELECT_LICENSE_KEY} WHERE external_customer_id = ? ORDER BY modified_ms DESC`,
      ).map((row) => ({ ...row, granted: Boolean(row.granted) })),
    };
  }

  saveOrder(order: Order): void {
    const sql = `INSERT INTO orders (id, checkout_id, customer_id, external_customer_id, product_name, total_amount,
        currency, subscription_id, created_at)
      VALUES (@id, @checkoutId, @customerId, @externalCustomerId, @productName, @totalAmount, @currency,
        @subscriptionId, @createdAt)
      ON CONFLICT (id) DO UPDATE SET checkout_id = excluded.checkout_id, external_customer_id = excluded.external_customer_id,
        product_name = excluded.product_name, total_amount = excluded.total_amount, currency = excluded.currency`;
    this.#write(sql, {
      id: order.id,
      checkoutId: order.checkout_id,
      customerId: order.customer_id,
      externalCustomerId: order.customer.external_id ?? null,
      productName: order.product?.name ?? order.description,
      totalAmount: order.total_amount,
      currency: order.currency,
      subscriptionId: order.subscription_id,
      createdAt: order.created_at,
    });
  }

  /** Every subscription event carries the whole subscription: keep its latest state. */
  saveSubscription(subscription: Subscription, event: string): void {
    const sql = `INSERT INTO subscriptions (id, customer_id, external_customer_id, product_name, amount, currency,
        recurring_interval, recurring_interval_count, status, cancel_at_period_end, current_period_end, ends_at,
        ended_at, last_event, modified_ms)
      VALUES (@id, @customerId, @externalCustomerId, @productName, @amount, @currency, @recurringInterval,
        @recurringIntervalCount, @status, @cancelAtPeriodEnd, @currentPeriodEnd, @endsAt, @endedAt, @lastEvent,
        @modifiedMs)
      ON CONFLICT (id) DO UPDATE SET product_name = excluded.product_name, amount = excluded.amount,
        currency = excluded.currency, recurring_interval = excluded.recurring_interval,
        recurring_interval_count = excluded.recurring_interval_count, status = excluded.status,
        cancel_at_period_end = excluded.cancel_at_period_end, current_period_end = excluded.current_period_end,
        ends_at = excluded.ends_at, ended_at = excluded.ended_at, last_event = excluded.last_event,
        modified_ms = excluded.modified_ms
      WHERE excluded.modified_ms >= subscriptions.modified_ms`;
    this.#write(sql, {
      id: subscription.id,
      customerId: subscription.customer_id,
      externalCustomerId: subscription.customer.external_id ?? null,
      productName: subscription.product.name,
      amount: subscription.amount,
      currency: subscription.currency,
      recurringInterval: subscription.recurring_interval,
      recurringIntervalCount: subscription.recurring_interval_count ?? 1,
      status: subscription.status,
      cancelAtPeriodEnd: subscription.cancel_at_period_end ? 1 : 0,
      currentPeriodEnd: subscription.current_period_end ?? null,
      endsAt: subscription.ends_at ?? null,
      endedAt: subscription.ended_at ?? null,
      lastEvent: event,
      modifiedMs: Date.parse(subscription.modified_at ?? subscription.created_at),
    });
  }

  /** Keeps license key grants (other benefit types are not shown). */
  saveLicenseKey(grant: BenefitGrantWebhook): void {
    if (grant.benefit.type !== "license_keys") return;
    const displayKey = (grant.properties as { display_key?: string }).display_key;
    if (!displayKey) return;
    const sql = `INSERT INTO license_keys (grant_id, customer_id, external_customer_id, benefit, display_key, granted,
        modified_ms)
      VALUES (@grantId, @customerId, @externalCustomerId, @benefit, @displayKey, @granted, @modifiedMs)
      ON CONFLICT (grant_id) DO UPDATE SET benefit = excluded.benefit, display_key = excluded.display_key,
        granted = excluded.granted, modified_ms = excluded.modified_ms
      WHERE excluded.modified_ms >= license_keys.modified_ms`;
    this.#write(sql, {
      grantId: grant.id,
      customerId: grant.customer_id,
      externalCustomerId: grant.customer.external_id ?? null,
      benefit: grant.benefit.description,
      displayKey,
      granted: grant.is_granted && !grant.is_revoked ? 1 : 0,
      modifiedMs: Date.parse(grant.modified_at ?? grant.created_at),
    });
  }

  #write(sql: string, row: Record<string, unknown>): void {
    this.#db.transaction(() => this.#db.prepare(sql).run(row))();
  }
}

const SELECT_ORDER = `SELECT id, checkout_id AS checkoutId, product_name AS productName, total_amount AS totalAmount,
  currency, created_at AS createdAt FROM orders`;
const SELECT_SUBSCRIPTION = `SELECT id, product_name AS productName, amount, currency,
  recurring_interval AS recurringInterval, recurring_interval_count AS recurringIntervalCount, status,
  cancel_at_period_end AS cancelAtPeriodEnd, current_period_end AS currentPeriodEnd, ends_at AS endsAt,
  ended_at AS endedAt FROM subscriptions`;
const SELECT_LICENSE_KEY = `SELECT grant_id AS grantId, benefit, display_key AS displayKey, granted FROM license_keys`;

// One connection per data folder and process, on globalThis for the same reason as the session secret.
const shared = globalThis as { storeDatabases?: Map<string, Store> };

/** The store of the configured data folder (`APP_DATA_DIR`), opened (and created) on first use. */
export function store(): Store {
  const dir = dataDir();
  shared.storeDatabases ??= new Map();
  let opened = shared.storeDatabases.get(dir);
  if (!opened) {
    mkdirSync(dir, { recursive: true });
    opened = new Store(join(dir, "store.sqlite"));
    shared.storeDatabases.set(dir, opened);
  }
  return opened;
}
