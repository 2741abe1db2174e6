import {
  type DeduplicatorTimes,
  deduplicatorTimes,
  type WebhookClaim,
  type WebhookDeduplicator,
} from "../handlers/dedupe";
import { attemptTokens } from "./attempts";

/** A row as the client returns it, by column name. */
export type SqlRow = Record<string, unknown>;

/**
 * Runs one SQL statement with its parameters and resolves to its rows (or to `{ rows }`); rejects
 * when the database cannot be reached. Every client has one:
 * - pg: `(sql, params) => pool.query(sql, params)`
 * - postgres (porsager): `(text, params) => sql.unsafe(text, params)`
 * - Cloudflare D1: `(sql, params) => db.prepare(sql).bind(...params).all().then((r) => r.results)`
 * - libSQL / Turso: `(sql, args) => client.execute({ sql, args })`
 * - node:sqlite: `async (sql, params) => db.prepare(sql).all(...params)`
 */
export type SqlQuery = (sql: string, params: unknown[]) => Promise<SqlRow[] | { rows: SqlRow[] }>;

/** Options of `postgresDeduplicator` and `sqliteDeduplicator`. */
export interface SqlDeduplicatorOptions extends DeduplicatorTimes {
  query: SqlQuery;
  /**
   * The table's name: letters, digits and underscores only.
   * @default "polar_webhook_deliveries"
   */
  table?: string;
  /**
   * Creates the table (`CREATE TABLE IF NOT EXISTS`) on first use. Turn it off when your
   * migrations create it from `POSTGRES_DEDUPE_TABLE` / `SQLITE_DEDUPE_TABLE`.
   * @default true
   */
  createTable?: boolean;
}

const DEFAULT_TABLE = "polar_webhook_deliveries";

interface Dialect {
  placeholder(index: number): string;
  /** The database's clock in ms since the epoch, as an SQL expression. */
  nowMs: string;
  tableStatements(table: string): string[];
  /** What runs on first use: statements safe when several processes run them at once. */
  createStatements(table: string): string[];
}

const postgres: Dialect = {
  placeholder: (index) => `$${index}`,
  // clock_timestamp(), not now(): now() stays at the start of a transaction the client may hold open.
  nowMs: "(extract(epoch from clock_timestamp()) * 1000)::bigint",
  tableStatements: (table) => [
    `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, token text NOT NULL, done boolean NOT NULL DEFAULT false, expires_at bigint NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at)`,
  ],
  // Two sessions running CREATE TABLE IF NOT EXISTS at once can both miss the table and one then
  // fails on a catalog unique index; a transaction-scoped advisory lock makes them take turns.
  createStatements: (table) => [
    `DO $$ BEGIN PERFORM pg_advisory_xact_lock(hashtext('polar-kit:${table}')); ${postgres
      .tableStatements(table)
      .join("; ")}; END $$`,
  ],
};

const sqlite: Dialect = {
  placeholder: () => "?",
  nowMs: "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
  tableStatements: (table) => [
    `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, token TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at)`,
  ],
  // SQLite (and D1, libSQL) runs one write at a time, so IF NOT EXISTS is enough.
  createStatements: (table) => sqlite.tableStatements(table),
};

/** The Postgres migration for the default table, for `createTable: false`. */
export const POSTGRES_DEDUPE_TABLE = `${postgres.tableStatements(DEFAULT_TABLE).join(";\n")};\n`;
/** The SQLite / D1 / libSQL migration for the default table, for `createTable: false`. */
export const SQLITE_DEDUPE_TABLE = `${sqlite.tableStatements(DEFAULT_TABLE).join(";\n")};\n`;

// A claim that loses to a row which then goes away (released or expired in between) tries again,
// a few times at most (then answers "in_flight", which only makes Polar come back later).
const CLAIM_TRIES = 3;
// Expired rows are deleted by about one claim in this many, a bounded batch at a time.
const COLLECT_ONE_CLAIM_IN = 50;
const COLLECT_BATCH = 500;

/**
 * A deduplicator that several instances share through PostgreSQL, with any client (see `SqlQuery`).
 *
 * @example
 * import pg from "pg";
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * Webhooks({ deduplicate: postgresDeduplicator({ query: (sql, params) => pool.query(sql, params) }), onOrderPaid });
 */
export function postgresDeduplicator(options: SqlDeduplicatorOptions): WebhookDeduplicator {
  return sqlDeduplicator(postgres, "postgresDeduplicator", options);
}

/**
 * A deduplicator that several instances share through SQLite, Cloudflare D1 or libSQL / Turso,
 * with any client (see `SqlQuery`).
 *
 * @example
 * // Cloudflare Workers, with a D1 binding named DB:
 * sqliteDeduplicator({ query: (sql, params) => env.DB.prepare(sql).bind(...params).all().then((r) => r.results) })
 */
export function sqliteDeduplicator(options: SqlDeduplicatorOptions): WebhookDeduplicator {
  return sqlDeduplicator(sqlite, "sqliteDeduplicator", options);
}

// Each id is one row: a lease (a random token, done false) until expires_at, replaced on success
// by done true for the retention time. Every step is one statement, so it is atomic however many
// processes share the table, and every time is read from the database's clock, so the instances'
// clocks do not matter.
//
// Still at-least-once, as any lease is: callbacks that outlive leaseMs run again on the instance
// that takes the lease over, and an attempt whose complete cannot reach the database leaves its
// lease to expire, after which Polar's retry runs them again. Make callbacks idempotent, or
// leaseMs longer than the slowest one.
function sqlDeduplicator(
  dialect: Dialect,
  name: string,
  { query, table = DEFAULT_TABLE, createTable = true, ...times }: SqlDeduplicatorOptions,
): WebhookDeduplicator {
  if (typeof query !== "function") throw new TypeError(`${name}: \`query\` must be a function`);
  // The name goes into the SQL text (it cannot be a parameter): only a plain identifier may.
  if (typeof table !== "string" || !/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(table))
    throw new TypeError(`${name}: \`table\` must be letters, digits and underscores (at most 48)`);
  const { leaseMs, retentionMs } = deduplicatorTimes(times);
  const $ = dialect.placeholder;
  const now = dialect.nowMs;

  const claimSql = `INSERT INTO ${table} (id, token, done, expires_at) VALUES (${$(1)}, ${$(2)}, false, ${now} + ${$(3)})
    ON CONFLICT (id) DO UPDATE SET token = excluded.token, done = false, expires_at = excluded.expires_at
    WHERE ${table}.expires_at <= ${now}
    RETURNING token`;
  const stateSql = `SELECT CASE WHEN done THEN 'done' ELSE 'in_flight' END AS state FROM ${table}
    WHERE id = ${$(1)} AND expires_at > ${now}`;
  // Whoever holds the lease now, the callbacks have succeeded: the id is done (the row is written
  // again if it expired and was collected meanwhile).
  const completeSql = `INSERT INTO ${table} (id, token, done, expires_at) VALUES (${$(1)}, ${$(2)}, true, ${now} + ${$(3)})
    ON CONFLICT (id) DO UPDATE SET done = true, expires_at = excluded.expires_at`;
  // Only this attempt's lease: one that expired and was taken over leaves the new holder's lease.
  const releaseSql = `DELETE FROM ${table} WHERE id = ${$(1)} AND token = ${$(2)} AND done = false`;
  // The outer condition too: Postgres re-checks it (not the subquery) on a row that a claim took
  // over while this waited for its lock, so a fresh lease is never deleted.
  const collectSql = `DELETE FROM ${table} WHERE expires_at <= ${now}
    AND id IN (SELECT id FROM ${table} WHERE expires_at <= ${now} LIMIT ${COLLECT_BATCH})`;

  const rows = async (sql: string, params: unknown[]) => {
    const result = await query(sql, params);
    if (Array.isArray(result)) return result;
    if (Array.isArray(result?.rows)) return result.rows;
    // D1's `.all()` answers `{ results }`: a query passed as is would otherwise fail obscurely.
    throw new TypeError(`${name}: \`query\` must resolve to the rows or to { rows } (D1: map \`.results\`)`);
  };

  // Once per deduplicator; a failure (database down) is forgotten so that the next call tries again.
  let created: Promise<void> | undefined;
  const ready = () => {
    if (!createTable) return;
    created ??= (async () => {
      for (const statement of dialect.createStatements(table)) await rows(statement, []);
    })().catch((error: unknown) => {
      created = undefined;
      throw error;
    });
    return created;
  };

  const tokens = attemptTokens();

  return {
    async claim(id): Promise<WebhookClaim> {
      await ready();
      if (Math.random() * COLLECT_ONE_CLAIM_IN < 1) rows(collectSql, []).catch(() => {});
      for (let tries = 0; tries < CLAIM_TRIES; tries++) {
        const token = crypto.randomUUID();
        const [won] = await rows(claimSql, [id, token, leaseMs]);
        if (won?.token === token) {
          tokens.add(id, token);
          return "claimed";
        }
        const [row] = await rows(stateSql, [id]);
        if (row?.state === "done") return "done";
        if (row) return "in_flight";
      }
      return "in_flight";
    },
    async complete(id) {
      await ready();
      await rows(completeSql, [id, tokens.first(id) ?? crypto.randomUUID(), retentionMs]);
      // Forgotten only once done is written, so that when it fails the handler's release still frees the id.
      tokens.forget(id);
    },
    async release(id) {
      const token = tokens.takeForRelease(id);
      if (!token) return;
      await rows(releaseSql, [id, token]);
    },
  };
}
