import { Database } from "./sqlite";

export type Db = Database;

// Each entry moves the schema one version forward; `PRAGMA user_version` records how far a file got.
const MIGRATIONS = [
  `CREATE TABLE resources (
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     organization_id TEXT,
     customer_id TEXT,
     created_at TEXT NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   );
   CREATE INDEX resources_by_org ON resources (kind, organization_id, created_at);
   CREATE INDEX resources_by_customer ON resources (kind, customer_id);
   CREATE TABLE tokens (
     token TEXT PRIMARY KEY,
     subject TEXT NOT NULL,
     subject_id TEXT NOT NULL,
     organization_id TEXT NOT NULL,
     scopes TEXT NOT NULL,
     expires_at TEXT
   );
   CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // Pending webhook deliveries, one row per (event, endpoint); attempts are kept as resources.
  `CREATE TABLE webhook_queue (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL,
     endpoint_id TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     state TEXT NOT NULL DEFAULT 'pending'
   );
   CREATE INDEX webhook_queue_pending ON webhook_queue (state, endpoint_id, seq);`,
  // Consecutive permanently failed events per webhook endpoint (10 disable it), and the due-time
  // index the deliverer polls with.
  `CREATE TABLE webhook_endpoint_health (
     endpoint_id TEXT PRIMARY KEY,
     consecutive_failures INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX webhook_queue_due ON webhook_queue (state, next_attempt_at, seq);`,
  // Tables earlier versions created on first use (inside a request's transaction, whose rollback
  // could drop them): usage events, OAuth rows, file bytes. A file may already have them.
  `CREATE TABLE IF NOT EXISTS usage_events (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     organization_id TEXT NOT NULL,
     customer_id TEXT,
     external_customer_id TEXT,
     name TEXT NOT NULL,
     timestamp INTEGER NOT NULL,
     source TEXT NOT NULL,
     external_id TEXT,
     parent_id TEXT,
     metadata BLOB NOT NULL,
     UNIQUE (organization_id, external_id)
   );
   CREATE INDEX IF NOT EXISTS usage_events_by_name ON usage_events (organization_id, name, timestamp);
   CREATE INDEX IF NOT EXISTS usage_events_by_time ON usage_events (organization_id, timestamp);
   CREATE INDEX IF NOT EXISTS usage_events_by_parent ON usage_events (parent_id);
   CREATE TABLE IF NOT EXISTS oauth2_consents (
     form_token TEXT PRIMARY KEY,
     browser TEXT NOT NULL,
     request TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE IF NOT EXISTS oauth2_codes (
     code TEXT PRIMARY KEY,
     grant_id TEXT NOT NULL,
     client_id TEXT NOT NULL,
     redirect_uri TEXT NOT NULL,
     scope TEXT NOT NULL,
     sub_type TEXT NOT NULL,
     sub TEXT NOT NULL,
     organization_id TEXT NOT NULL,
     code_challenge TEXT,
     code_challenge_method TEXT,
     nonce TEXT,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE TABLE IF NOT EXISTS oauth2_tokens (
     access_token TEXT PRIMARY KEY,
     refresh_token TEXT NOT NULL UNIQUE,
     grant_id TEXT NOT NULL,
     client_id TEXT NOT NULL,
     scope TEXT NOT NULL,
     sub_type TEXT NOT NULL,
     sub TEXT NOT NULL,
     organization_id TEXT NOT NULL,
     issued_at INTEGER NOT NULL,
     expires_in INTEGER NOT NULL,
     access_revoked_at INTEGER,
     refresh_revoked_at INTEGER
   );
   CREATE INDEX IF NOT EXISTS oauth2_tokens_by_grant ON oauth2_tokens (grant_id);
   CREATE INDEX IF NOT EXISTS oauth2_tokens_by_client ON oauth2_tokens (client_id);
   CREATE TABLE IF NOT EXISTS catalog_file_uploads (
     file_id TEXT PRIMARY KEY,
     upload_id TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     parts TEXT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS catalog_file_parts (
     file_id TEXT NOT NULL,
     part_number INTEGER NOT NULL,
     data BLOB NOT NULL,
     etag TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     PRIMARY KEY (file_id, part_number)
   );`,
  // When an object needs the clock sweep (epoch seconds), so that a sweep reads only what is due,
  // however many objects there are: an open checkout at its expiry, a paused subscription when it
  // resumes, a billable one at its period end. NULL is never.
  `ALTER TABLE resources ADD COLUMN due_at REAL GENERATED ALWAYS AS (
     CASE kind
       WHEN 'checkout' THEN
         CASE WHEN data ->> '$.status' = 'open' THEN unixepoch(data ->> '$.expires_at', 'subsec') END
       WHEN 'subscription' THEN
         CASE
           WHEN data ->> '$.status' = 'paused' THEN unixepoch(data ->> '$.resumes_at', 'subsec')
           WHEN data ->> '$.status' IN ('active', 'trialing', 'past_due')
             THEN unixepoch(data ->> '$.current_period_end', 'subsec')
         END
     END) VIRTUAL;
   CREATE INDEX resources_due ON resources (kind, due_at) WHERE due_at IS NOT NULL;`,
];

/** Opens (or creates) the emulator database and brings its schema up to date. */
export function openDatabase(file = ":memory:"): Db {
  const db = new Database(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON");
  const current = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (current > MIGRATIONS.length) {
    db.close();
    throw new Error(`${file} was written by a newer emulator (schema ${current} > ${MIGRATIONS.length})`);
  }
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
  });
  return db;
}

/** A value kept in the `settings` table (JSON), or `undefined` when it was never written. */
export function readSetting<T>(db: Db, key: string): T | undefined {
  const row = db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as { value: string } | undefined;
  return row && (JSON.parse(row.value) as T);
}

/** Keeps a value in the `settings` table (as JSON), replacing the one before. */
export function writeSetting(db: Db, key: string, value: unknown): void {
  db.prepare(
    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(key, JSON.stringify(value));
}
