// The authorization server's rows: pending consent forms, authorization codes and issued tokens.
// Clients are documents in the store; issued access tokens are also rows of the `tokens` table,
// which is what the Core API router authenticates against. The tables are made by the migrations
// in `db.ts`.
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
