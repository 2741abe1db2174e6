// The OAuth endpoints the spec router cannot serve as RFC 6749 wants them: the token, revocation
// and introspection endpoints take form bodies with client credentials (in the body or a Basic
// header) and answer RFC errors rather than 422s; userinfo takes any OAuth access token (user or
// organization). Also the discovery documents and the signing keys.
import type { Context, Hono } from "hono";
import { bearerToken } from "../../auth";
import { allScopes } from "../../bootstrap";
import type { EmulatorState } from "../../context";
import { invalidToken, unauthorized } from "../../errors";
import { unknownVersion, versionHeader } from "../../router";
import { BASIC_CHALLENGE, OAuthError } from "./errors";
import { type Form, readForm } from "./form";
import { jwks } from "./id-token";
import { activeAccessToken, introspectToken, requestToken, revokeToken } from "./tokens";
import { userInfo } from "./userinfo";

// RFC 6749 §5.1: token responses must not be cached.
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

type FormEndpoint = (state: EmulatorState, form: Form, authorization: string | undefined) => unknown;

function oauthErrorResponse(c: Context, error: OAuthError): Response {
  const challenge: Record<string, string> = error.status === 401 ? { "www-authenticate": BASIC_CHALLENGE } : {};
  return c.json(error.body, error.status as 400, { ...NO_STORE, ...versionHeader(c), ...challenge });
}

function formRoute(app: Hono, state: EmulatorState, path: string, endpoint: FormEndpoint): void {
  const handler = async (c: Context) => {
    if (unknownVersion(c)) return c.json({ detail: "Not Found" }, 404);
    const read = await readForm(c);
    if ("error" in read) return oauthErrorResponse(c, read.error);
    const { form } = read;
    // An OAuthError still commits: a reused code revokes its tokens and then answers invalid_grant.
    // Every endpoint checks before it writes, so nothing else is half-done when one is thrown.
    const outcome = state.db.transaction((): { body: unknown } | { error: OAuthError } => {
      try {
        return { body: endpoint(state, form, c.req.header("authorization")) };
      } catch (error) {
        if (error instanceof OAuthError) return { error };
        throw error;
      }
    });
    if ("error" in outcome) return oauthErrorResponse(c, outcome.error);
    return c.json(outcome.body as object, 200, { ...NO_STORE, ...versionHeader(c) });
  };
  app.post(path, handler);
  app.post(`${path}/`, handler);
}

/** `GET|POST /v1/oauth2/userinfo` with an OAuth access token (RFC 6750 bearer). */
function userinfoRoute(app: Hono, state: EmulatorState): void {
  const handler = (c: Context) => {
    if (unknownVersion(c)) return c.json({ detail: "Not Found" }, 404);
    const header = c.req.header("authorization");
    const failure = header ? invalidToken() : unauthorized();
    const token = bearerToken(header);
    const row = token && token.length <= 256 ? activeAccessToken(state, token) : undefined;
    if (!row) return c.json(failure.body as object, failure.status as 401, failure.headers);
    return c.json(userInfo(state, row), 200, versionHeader(c));
  };
  for (const path of ["/v1/oauth2/userinfo", "/v1/oauth2/userinfo/"]) {
    app.get(path, handler);
    app.post(path, handler);
  }
}

/** The OpenID Provider metadata (and RFC 8414 metadata), every URL on the emulator itself. */
export function discoveryDocument(state: EmulatorState) {
  const base = state.publicUrl();
  const secretMethods = ["client_secret_basic", "client_secret_post"];
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/v1/oauth2/token`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    userinfo_endpoint: `${base}/v1/oauth2/userinfo`,
    registration_endpoint: `${base}/v1/oauth2/register`,
    scopes_supported: allScopes(),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    token_endpoint_auth_methods_supported: [...secretMethods, "none"],
    service_documentation: "https://docs.polar.sh",
    revocation_endpoint: `${base}/v1/oauth2/revoke`,
    revocation_endpoint_auth_methods_supported: secretMethods,
    introspection_endpoint: `${base}/v1/oauth2/introspect`,
    introspection_endpoint_auth_methods_supported: secretMethods,
    code_challenge_methods_supported: ["S256", "plain"],
    authorization_response_iss_parameter_supported: true,
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    claims_supported: ["sub", "name", "email", "email_verified"],
  };
}

/** Mounts the token, revocation, introspection and userinfo endpoints and the well-known documents. */
export function oauthEndpoints(app: Hono, state: EmulatorState): void {
  formRoute(app, state, "/v1/oauth2/token", requestToken);
  formRoute(app, state, "/v1/oauth2/revoke", revokeToken);
  formRoute(app, state, "/v1/oauth2/introspect", introspectToken);
  userinfoRoute(app, state);
  app.get("/.well-known/openid-configuration", (c) => c.json(discoveryDocument(state)));
  app.get("/.well-known/oauth-authorization-server", (c) => c.json(discoveryDocument(state)));
  app.get("/.well-known/jwks.json", (c) => c.json(jwks(state)));
}
