// The authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636): checked once when the consent
// page or `GET /v1/oauth2/authorize` receives it, kept server-side while the user decides, and
// turned into a single-use authorization code when the user approves.
import type { EmulatorState } from "../../context";
import { secret, uuid } from "../../ids";
import { findClient, type OAuthClient } from "./clients";
import { OAuthError } from "./errors";
import { parseScope, unknownScopes } from "./scopes";
import { type ChallengeMethod, isWellFormedPkceValue } from "./secrets";
import { findOrganization, type Organization } from "./subjects";
import type { SubType } from "./tables";

/** A checked authorization request. */
export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string | null;
  sub_type: SubType;
  /** The organization asked for with `sub=` (organization grants only). */
  sub: string | null;
  code_challenge: string | null;
  code_challenge_method: ChallengeMethod | null;
  nonce: string | null;
}

/** A checked request with the client it is from and the organization its `sub=` names, if any. */
export interface CheckedAuthorization {
  request: AuthorizationRequest;
  client: OAuthClient;
  organization: Organization | undefined;
}

/**
 * A refused request that must not be redirected (unknown client, unregistered redirect URI):
 * RFC 6749 §4.1.2.1 says to inform the user instead.
 */
export class UnsafeAuthorizationError extends OAuthError {}

/** A refused request that goes back to the client's redirect URI with `error` and `state`. */
export class RedirectedAuthorizationError extends OAuthError {
  constructor(
    error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | null,
  ) {
    super(error.error, error.description, error.status);
  }
}

export const CODE_LIFETIME_MS = 5 * 60_000;
const MAX_STATE = 2048;
const MAX_NONCE = 512;

/** One value of a parameter; a repeated parameter is an `invalid_request` (RFC 6749 §3.1). */
function single(params: URLSearchParams, name: string, fail: (e: OAuthError) => OAuthError): string | null {
  const values = params.getAll(name);
  if (values.length > 1) throw fail(new OAuthError("invalid_request", `The ${name} parameter is repeated.`));
  return values[0] ?? null;
}

/** The client and the exact redirect URI, or an error the user must see (never a redirect). */
function clientAndRedirect(
  state: EmulatorState,
  params: URLSearchParams,
): { client: OAuthClient; redirectUri: string } {
  const unsafe = (e: OAuthError) => new UnsafeAuthorizationError(e.error, e.description);
  const clientId = single(params, "client_id", unsafe);
  if (!clientId) throw unsafe(new OAuthError("invalid_request", "The client_id parameter is missing."));
  const client = findClient(state, clientId);
  if (!client) throw unsafe(new OAuthError("invalid_client", "The client does not exist."));
  const given = single(params, "redirect_uri", unsafe);
  // RFC 6749 §3.1.2.3: exact match against a registered URI; one registered URI may be implied.
  if (given !== null && !client.redirect_uris.includes(given)) {
    throw unsafe(new OAuthError("invalid_request", "The redirect_uri is not registered for this client."));
  }
  const redirectUri = given ?? (client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined);
  if (!redirectUri) {
    throw unsafe(new OAuthError("invalid_request", "The redirect_uri parameter is required for this client."));
  }
  return { client, redirectUri };
}

/** Checks an authorization request's query parameters. */
export function checkAuthorizationRequest(state: EmulatorState, params: URLSearchParams): CheckedAuthorization {
  const { client, redirectUri } = clientAndRedirect(state, params);
  const rawState = params.getAll("state");
  const stateParam =
    rawState.length === 1 && (rawState[0] as string).length <= MAX_STATE ? (rawState[0] as string) : null;
  const redirected = (e: OAuthError) => new RedirectedAuthorizationError(e, redirectUri, stateParam);
  const fail = (error: OAuthError["error"], description: string) => redirected(new OAuthError(error, description));
  const get = (name: string) => single(params, name, redirected);

  if (rawState.length > 1) throw fail("invalid_request", "The state parameter is repeated.");
  if (rawState.length === 1 && stateParam === null) {
    throw fail("invalid_request", `The state parameter is longer than ${MAX_STATE} characters.`);
  }
  const responseType = get("response_type");
  if (!responseType) throw fail("invalid_request", "The response_type parameter is missing.");
  if (responseType !== "code") throw fail("unsupported_response_type", "Only the code response type is supported.");
  if (!client.response_types.includes("code") || !client.grant_types.includes("authorization_code")) {
    throw fail("unauthorized_client", "This client may not use the authorization code grant.");
  }

  // Without a scope the client's registered scope is asked for, as the API does.
  const asked = parseScope(get("scope") ?? client.scope);
  const allowed = new Set(parseScope(client.scope));
  if (!asked.length) throw fail("invalid_scope", "No scope was requested.");
  if (unknownScopes(asked).length || asked.some((scope) => !allowed.has(scope))) {
    throw fail("invalid_scope", "The requested scope is invalid, unknown, or not allowed for this client.");
  }

  const subType = get("sub_type") ?? client.default_sub_type;
  if (subType !== "user" && subType !== "organization") throw fail("invalid_request", "Invalid sub_type.");
  const sub = get("sub");
  if (sub !== null && subType === "user") throw fail("invalid_request", "Can't specify sub for user sub_type.");
  const organization = sub === null || sub.length > 64 ? undefined : findOrganization(state, sub);
  if (sub !== null && !organization) throw fail("invalid_sub", "The organization does not exist.");

  const challenge = get("code_challenge");
  const method = get("code_challenge_method");
  const isPublic = client.token_endpoint_auth_method === "none";
  let challengeMethod: ChallengeMethod | null = null;
  if (challenge === null) {
    if (method !== null) throw fail("invalid_request", "code_challenge_method without code_challenge.");
    if (isPublic) throw fail("invalid_request", "Public clients must send a PKCE code_challenge.");
  } else {
    // RFC 7636 §4.3: no method means plain. Public clients get S256 only (OAuth 2.0 Security BCP).
    challengeMethod = (method ?? "plain") as ChallengeMethod;
    if (challengeMethod !== "S256" && challengeMethod !== "plain") {
      throw fail("invalid_request", "Unsupported code_challenge_method; use S256.");
    }
    if (challengeMethod === "plain" && isPublic) throw fail("invalid_request", "Public clients must use S256.");
    if (!isWellFormedPkceValue(challenge)) throw fail("invalid_request", "Malformed code_challenge.");
  }

  const nonce = get("nonce");
  if (nonce !== null && nonce.length > MAX_NONCE) throw fail("invalid_request", "The nonce is too long.");

  const request: AuthorizationRequest = {
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: asked.join(" "),
    state: stateParam,
    sub_type: subType,
    sub,
    code_challenge: challenge,
    code_challenge_method: challengeMethod,
    nonce,
  };
  return { request, client, organization };
}

/**
 * The client's redirect URI with response parameters added to its own query (RFC 6749 §4.1.2),
 * plus `iss` (RFC 9207) so the client can tell which server answered.
 */
export function redirectTo(state: EmulatorState, redirectUri: string, params: Record<string, string | null>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.append(name, value);
  url.searchParams.append("iss", state.publicUrl());
  return url.toString();
}

/** Issues a single-use authorization code for an approved request. */
export function issueCode(
  state: EmulatorState,
  request: AuthorizationRequest,
  grant: { sub: string; organizationId: string },
): string {
  const code = secret("polar_ac_");
  state.db
    .prepare(
      `INSERT INTO oauth2_codes (code, grant_id, client_id, redirect_uri, scope, sub_type, sub, organization_id,
         code_challenge, code_challenge_method, nonce, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      code,
      uuid(),
      request.client_id,
      request.redirect_uri,
      request.scope,
      request.sub_type,
      grant.sub,
      grant.organizationId,
      request.code_challenge,
      request.code_challenge_method,
      request.nonce,
      state.clock.now().getTime() + CODE_LIFETIME_MS,
    );
  return code;
}
