// The authorization server's rows: pending consent forms, authorization codes and issued tokens.
// Clients are documents in the store; issued access tokens are also rows of the `tokens` table,
// which is what the Core API router authenticates against.
import type { Db } from "../../db";

const SCHEMA = `
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
  CREATE INDEX IF NOT EXISTS oauth2_tokens_by_client ON oauth2_tokens (client_id);`;

/** Creates the OAuth tables (idempotent; run once at start). */
export function oauthTables(db: Db): void {
  db.exec(SCHEMA);
}

export type SubType = "user" | "organization";

/** An authorization code as stored. Times are epoch milliseconds on the emulator clock. */
export interface CodeRow {
  code: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  sub_type: SubType;
  sub: string;
  organization_id: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  expires_at: number;
  used_at: number | null;
}

/** One issuance of an access token and its refresh token. Times are epoch seconds. */
export interface TokenRow {
  access_token: string;
  refresh_token: string;
  grant_id: string;
  client_id: string;
  scope: string;
  sub_type: SubType;
  sub: string;
  organization_id: string;
  issued_at: number;
  expires_in: number;
  access_revoked_at: number | null;
  refresh_revoked_at: number | null;
}
