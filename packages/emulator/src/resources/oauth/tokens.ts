// The token endpoint's grants (authorization_code with PKCE, refresh_token with rotation), token
// revocation (RFC 7009) and introspection (RFC 7662). Issued access tokens are also saved in the
// `tokens` table, so the Core API accepts them with their scopes until they expire or are revoked.
import { deleteTokens, saveToken } from "../../auth";
import type { EmulatorState } from "../../context";
import { secret } from "../../ids";
import { authenticateClient } from "./client-auth";
import type { OAuthClient } from "./clients";
import { invalidGrant, invalidRequest, OAuthError } from "./errors";
import type { Form } from "./form";
import { idToken } from "./id-token";
import { parseScope } from "./scopes";
import { type ChallengeMethod, isWellFormedPkceValue, verifierMatches } from "./secrets";
import type { CodeRow, TokenRow } from "./tables";
import { userInfo } from "./userinfo";

/** Access token lifetime: 10 days, the API's `expires_in`. Refresh tokens do not expire. */
export const ACCESS_TOKEN_LIFETIME_S = 864_000;

/**
 * Revokes every token issued to one grant (a code and the refreshes that followed) or one client:
 * their access tokens stop working on the Core API, and neither token is accepted any more.
 */
export function revokeIssued(state: EmulatorState, column: "grant_id" | "client_id", value: string): void {
  const live = state.db
    .prepare(`SELECT access_token FROM oauth2_tokens WHERE ${column} = ? AND access_revoked_at IS NULL`)
    .all(value) as { access_token: string }[];
  deleteTokens(
    state.db,
    live.map((row) => row.access_token),
  );
  const now = state.clock.nowSeconds();
  state.db
    .prepare(
      `UPDATE oauth2_tokens SET access_revoked_at = COALESCE(access_revoked_at, ?), refresh_revoked_at = COALESCE(refresh_revoked_at, ?) WHERE ${column} = ?`,
    )
    .run(now, now, value);
}

type Grant = Pick<TokenRow, "grant_id" | "client_id" | "scope" | "sub_type" | "sub" | "organization_id">;

/** Issues an access token and a refresh token for a grant, and the token response. */
function issueTokens(state: EmulatorState, grant: Grant, openid?: { nonce: string | null; authTime: number }) {
  const prefix = grant.sub_type === "user" ? "u" : "o";
  const row: TokenRow = {
    ...grant,
    access_token: secret(`polar_at_${prefix}_`),
    refresh_token: secret(`polar_rt_${prefix}_`),
    issued_at: state.clock.nowSeconds(),
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    access_revoked_at: null,
    refresh_revoked_at: null,
  };
  state.db
    .prepare(
      `INSERT INTO oauth2_tokens (access_token, refresh_token, grant_id, client_id, scope, sub_type, sub,
         organization_id, issued_at, expires_in, access_revoked_at, refresh_revoked_at)
       VALUES (@access_token, @refresh_token, @grant_id, @client_id, @scope, @sub_type, @sub,
         @organization_id, @issued_at, @expires_in, @access_revoked_at, @refresh_revoked_at)`,
    )
    .run(row);
  // The Core API sees the token as its organization with the granted scopes (a user grant acts for
  // the emulator's organization, the one organization its user manages through the API).
  saveToken(state.db, {
    token: row.access_token,
    subject: "Organization",
    subject_id: grant.organization_id,
    organization_id: grant.organization_id,
    scopes: grant.scope,
    expires_at: new Date((row.issued_at + row.expires_in) * 1000).toISOString(),
  });
  const withIdToken = openid && parseScope(grant.scope).includes("openid");
  return {
    access_token: row.access_token,
    token_type: "Bearer",
    expires_in: row.expires_in,
    refresh_token: row.refresh_token,
    scope: grant.scope,
    ...(withIdToken && {
      id_token: idToken(state, { ...userInfo(state, grant), aud: grant.client_id, ...openid }),
    }),
  };
}

function checkGrantType(client: OAuthClient, grantType: "authorization_code" | "refresh_token"): void {
  if (!client.grant_types.includes(grantType)) {
    throw new OAuthError("unauthorized_client", `This client may not use the ${grantType} grant.`);
  }
}

/** RFC 7636 §4.6: the verifier must answer the code's challenge (and may only come with one). */
function checkVerifier(code: CodeRow, verifier: string | null): void {
  if (!code.code_challenge) {
    if (verifier !== null) throw invalidRequest("code_verifier sent for a code issued without a code_challenge.");
    return;
  }
  if (verifier === null) throw invalidRequest("The code_verifier parameter is missing.");
  if (!isWellFormedPkceValue(verifier)) throw invalidRequest("Malformed code_verifier.");
  if (!verifierMatches(verifier, code.code_challenge, code.code_challenge_method as ChallengeMethod)) {
    throw invalidGrant("The code_verifier does not match the code_challenge.");
  }
}

function authorizationCodeGrant(state: EmulatorState, client: OAuthClient, form: Form) {
  checkGrantType(client, "authorization_code");
  const value = form.get("code");
  if (!value) throw invalidRequest("The code parameter is missing.");
  const code = state.db.prepare("SELECT * FROM oauth2_codes WHERE code = ?").get(value) as CodeRow | undefined;
  if (!code || code.client_id !== client.client_id) throw invalidGrant("The authorization code is invalid.");
  if (code.used_at !== null) {
    // RFC 6749 §4.1.2: a code used twice may have leaked; what it granted is taken back.
    revokeIssued(state, "grant_id", code.grant_id);
    throw invalidGrant("The authorization code was already used.");
  }
  if (code.expires_at <= state.clock.now().getTime()) throw invalidGrant("The authorization code has expired.");
  if (form.get("redirect_uri") !== code.redirect_uri) {
    throw invalidGrant("The redirect_uri does not match the one of the authorization request.");
  }
  checkVerifier(code, form.get("code_verifier"));
  state.db.prepare("UPDATE oauth2_codes SET used_at = ? WHERE code = ?").run(state.clock.now().getTime(), code.code);
  return issueTokens(state, code, { nonce: code.nonce, authTime: state.clock.nowSeconds() });
}

function refreshTokenGrant(state: EmulatorState, client: OAuthClient, form: Form) {
  checkGrantType(client, "refresh_token");
  const value = form.get("refresh_token");
  if (!value) throw invalidRequest("The refresh_token parameter is missing.");
  const row = state.db.prepare("SELECT * FROM oauth2_tokens WHERE refresh_token = ?").get(value) as
    | TokenRow
    | undefined;
  // A rotated or revoked refresh token is as good as unknown.
  if (!row || row.client_id !== client.client_id || row.refresh_revoked_at !== null) {
    throw invalidGrant("The refresh token is invalid.");
  }
  // RFC 6749 §6: a narrower scope may be asked for, never a wider one.
  const granted = new Set(parseScope(row.scope));
  const asked = form.get("scope");
  const scope = asked === null ? parseScope(row.scope) : parseScope(asked);
  if (!scope.length || scope.some((s) => !granted.has(s))) {
    throw new OAuthError("invalid_scope", "The requested scope exceeds the granted scope.");
  }
  // Rotation: the old refresh token stops working; its access token lives out its lifetime.
  state.db
    .prepare("UPDATE oauth2_tokens SET refresh_revoked_at = ? WHERE access_token = ?")
    .run(state.clock.nowSeconds(), row.access_token);
  return issueTokens(state, { ...row, scope: scope.join(" ") });
}

/** `POST /v1/oauth2/token`: the token response, or an `OAuthError`. */
export function requestToken(state: EmulatorState, form: Form, authorization: string | undefined) {
  const grantType = form.get("grant_type");
  if (!grantType) throw invalidRequest("The grant_type parameter is missing.");
  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    throw new OAuthError("unsupported_grant_type", `The ${grantType.slice(0, 64)} grant type is not supported.`);
  }
  const client = authenticateClient(state, form, authorization, "token");
  return grantType === "authorization_code"
    ? authorizationCodeGrant(state, client, form)
    : refreshTokenGrant(state, client, form);
}

type Hint = "access_token" | "refresh_token" | null;

/** The token and the hint of a revocation or introspection request (RFC 7009 §2.1, RFC 7662 §2.1). */
function tokenParams(form: Form): { token: string; hint: Hint } {
  const token = form.get("token");
  if (!token) throw invalidRequest("The token parameter is missing.");
  const hint = form.get("token_type_hint");
  if (hint !== null && hint !== "access_token" && hint !== "refresh_token") {
    throw new OAuthError("unsupported_token_type", "token_type_hint must be access_token or refresh_token.");
  }
  return { token, hint };
}

/** The issuance a token belongs to and which of its two tokens it is; the hint is only a hint. */
function findIssued(state: EmulatorState, token: string): { row: TokenRow; kind: Exclude<Hint, null> } | undefined {
  const row = state.db
    .prepare("SELECT * FROM oauth2_tokens WHERE access_token = ? OR refresh_token = ?")
    .get(token, token) as TokenRow | undefined;
  if (!row) return undefined;
  return { row, kind: row.access_token === token ? "access_token" : "refresh_token" };
}

/** `POST /v1/oauth2/revoke`: `{}` whether or not the token was known (RFC 7009 §2.2). */
export function revokeToken(state: EmulatorState, form: Form, authorization: string | undefined) {
  const client = authenticateClient(state, form, authorization, "revocation");
  const { token, hint } = tokenParams(form);
  const found = findIssued(state, token);
  if (!found) return {};
  if (found.row.client_id !== client.client_id) throw invalidGrant("The token was issued to another client.");
  if (found.kind === "refresh_token") {
    // RFC 7009 §2.1: revoking a refresh token also ends the access tokens of the same grant.
    revokeIssued(state, "grant_id", found.row.grant_id);
    return {};
  }
  // An access token; as the API does, its refresh token goes too unless the hint says access only.
  const now = state.clock.nowSeconds();
  deleteTokens(state.db, [found.row.access_token]);
  state.db
    .prepare(
      "UPDATE oauth2_tokens SET access_revoked_at = COALESCE(access_revoked_at, ?), refresh_revoked_at = CASE WHEN ? THEN refresh_revoked_at ELSE COALESCE(refresh_revoked_at, ?) END WHERE access_token = ?",
    )
    .run(now, hint === "access_token" ? 1 : 0, now, found.row.access_token);
  return {};
}

/** Whether an access token of an issuance is usable now. */
export function isAccessActive(state: EmulatorState, row: TokenRow): boolean {
  return row.access_revoked_at === null && row.issued_at + row.expires_in > state.clock.nowSeconds();
}

/** `POST /v1/oauth2/introspect`: the token's data, or `{active: false}` (RFC 7662 §2.2). */
export function introspectToken(state: EmulatorState, form: Form, authorization: string | undefined) {
  const client = authenticateClient(state, form, authorization, "introspection");
  const { token } = tokenParams(form);
  const found = findIssued(state, token);
  // Another client's token is reported as inactive rather than described.
  if (!found || found.row.client_id !== client.client_id) return { active: false };
  const { row, kind } = found;
  // Refresh tokens do not expire; `exp` and `iat` are the issuance's, as the API reports them.
  const active = kind === "access_token" ? isAccessActive(state, row) : row.refresh_revoked_at === null;
  if (!active) return { active: false };
  return {
    active: true,
    client_id: row.client_id,
    token_type: kind,
    scope: row.scope,
    sub_type: row.sub_type,
    sub: row.sub,
    // A user grant acts for the emulator's organization only; an organization grant is its own.
    organizations: row.sub_type === "user" ? [row.organization_id] : [],
    aud: row.client_id,
    iss: state.publicUrl(),
    exp: row.issued_at + row.expires_in,
    iat: row.issued_at,
  };
}

/** The issuance of an access token that is usable now, for `userinfo`. */
export function activeAccessToken(state: EmulatorState, token: string): TokenRow | undefined {
  const row = state.db.prepare("SELECT * FROM oauth2_tokens WHERE access_token = ?").get(token) as TokenRow | undefined;
  return row && isAccessActive(state, row) ? row : undefined;
}
