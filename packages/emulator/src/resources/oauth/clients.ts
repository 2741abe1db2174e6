// OAuth clients: RFC 7591 dynamic registration and RFC 7592 client configuration
// (`/v1/oauth2/register*`), kept as documents in the store. The configuration endpoints
// authenticate with the client's registration access token (`polar_crt_…`).
import type { Schema } from "@polar-kit/core";
import { bearerToken, REGISTRATION_TOKEN_PREFIX } from "../../auth";
import { allScopes } from "../../bootstrap";
import type { EmulatorState, OperationContext, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { invalidToken } from "../../errors";
import { secret } from "../../ids";
import { answering, OAuthError } from "./errors";
import { parseScope, unknownScopes } from "./scopes";
import { sameSecret } from "./secrets";
import { revokeIssued } from "./tokens";

export const CLIENT = "oauth2_client";

type Configuration = Schema<"OAuth2ClientConfiguration">;
export type AuthMethod = NonNullable<Configuration["token_endpoint_auth_method"]>;

/** A registered client as stored: its metadata, its credentials and its registration token. */
export interface OAuthClient {
  id: string;
  client_id: string;
  client_secret: string;
  registration_access_token: string;
  client_id_issued_at: number;
  created_at: string;
  modified_at: string | null;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: AuthMethod;
  grant_types: ("authorization_code" | "refresh_token")[];
  response_types: "code"[];
  scope: string;
  client_uri: string | null;
  logo_uri: string | null;
  tos_uri: string | null;
  policy_uri: string | null;
  default_sub_type: "user" | "organization";
  [key: string]: unknown;
}

const MAX_REDIRECT_URIS = 20;
// Schemes a browser would run or read locally rather than navigate to.
const HOSTILE_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:"]);

/** RFC 7591 §2: a redirect URI is absolute, has no fragment, and is somewhere a browser can go. */
function checkRedirectUris(uris: string[]): void {
  if (!uris.length) throw new OAuthError("invalid_redirect_uri", "At least one redirect URI is required.");
  if (uris.length > MAX_REDIRECT_URIS) {
    throw new OAuthError("invalid_redirect_uri", `At most ${MAX_REDIRECT_URIS} redirect URIs are allowed.`);
  }
  for (const uri of uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new OAuthError("invalid_redirect_uri", "Redirect URIs must be absolute URIs.");
    }
    if (uri.includes("#")) throw new OAuthError("invalid_redirect_uri", "Redirect URIs must not have a fragment.");
    if (HOSTILE_SCHEMES.has(url.protocol)) {
      throw new OAuthError("invalid_redirect_uri", `Redirect URIs must not use the ${url.protocol} scheme.`);
    }
  }
}

/** The metadata of a registration or an update, with the spec's defaults, checked as RFC 7591 asks. */
function metadataOf(body: Partial<Configuration>, current?: OAuthClient) {
  const metadata = {
    client_name: body.client_name ?? current?.client_name ?? "",
    redirect_uris: body.redirect_uris ?? current?.redirect_uris ?? [],
    token_endpoint_auth_method:
      body.token_endpoint_auth_method ?? current?.token_endpoint_auth_method ?? "client_secret_post",
    grant_types: body.grant_types ?? current?.grant_types ?? ["authorization_code", "refresh_token"],
    response_types: body.response_types ?? current?.response_types ?? ["code"],
    scope: body.scope ?? current?.scope ?? allScopes().join(" "),
    client_uri: body.client_uri !== undefined ? body.client_uri : (current?.client_uri ?? null),
    logo_uri: body.logo_uri !== undefined ? body.logo_uri : (current?.logo_uri ?? null),
    tos_uri: body.tos_uri !== undefined ? body.tos_uri : (current?.tos_uri ?? null),
    policy_uri: body.policy_uri !== undefined ? body.policy_uri : (current?.policy_uri ?? null),
    default_sub_type: body.default_sub_type ?? current?.default_sub_type ?? "user",
  };
  checkRedirectUris(metadata.redirect_uris);
  const unknown = unknownScopes(parseScope(metadata.scope));
  if (unknown.length) throw new OAuthError("invalid_client_metadata", `Unsupported scope: ${unknown.join(" ")}.`);
  metadata.scope = parseScope(metadata.scope).join(" ");
  if (metadata.response_types.includes("code") && !metadata.grant_types.includes("authorization_code")) {
    throw new OAuthError("invalid_client_metadata", 'The "code" response type needs the authorization_code grant.');
  }
  return metadata;
}

/** What the registration endpoints answer: the metadata, the credentials and how to manage the client. */
function presentClient(state: EmulatorState, client: OAuthClient) {
  const { id: _id, client_secret, registration_access_token, ...rest } = client;
  const isPublic = client.token_endpoint_auth_method === "none";
  return {
    ...rest,
    // Public clients have no secret; like the API, their registration shows none.
    ...(!isPublic && { client_secret, client_secret_expires_at: 0 }),
    registration_client_uri: `${state.publicUrl()}/v1/oauth2/register/${encodeURIComponent(client.client_id)}`,
    registration_access_token,
  };
}

/** A registered client, or `undefined` (deleted clients are gone). */
export function findClient(state: EmulatorState, clientId: string): OAuthClient | undefined {
  if (!clientId || clientId.length > 256) return undefined;
  return state.store.find<OAuthClient>(CLIENT, clientId);
}

/** The client a configuration request (RFC 7592) is about, authenticated by its registration token. */
function configuredClient({ state, params, request }: OperationContext): OAuthClient {
  const token = bearerToken(request.headers.get("authorization"));
  if (!token?.startsWith(REGISTRATION_TOKEN_PREFIX)) throw invalidToken("A registration access token is required.");
  const client = findClient(state, params.client_id ?? "");
  // RFC 7592 §2.1: an unknown client is a 401, as is a token that is not this client's.
  if (!client) throw new OAuthError("invalid_client", "The client does not exist.", 401).toFailure();
  if (!sameSecret(token, client.registration_access_token)) {
    throw invalidToken("The registration access token is not valid for this client.");
  }
  return client;
}

/** Revokes every token of a client and drops its pending codes (the client is going away). */
function forgetClientGrants(state: EmulatorState, clientId: string): void {
  revokeIssued(state, "client_id", clientId);
  state.db.prepare("DELETE FROM oauth2_codes WHERE client_id = ?").run(clientId);
}

// RFC 7592 §2.2: fields the server owns, which an update must not carry.
const SERVER_FIELDS = [
  "registration_access_token",
  "registration_client_uri",
  "client_secret_expires_at",
  "client_id_issued_at",
];

export const clientHandlers: OperationHandlers = {
  "oauth2:clients:oauth2:create_client": ({ state, body }) =>
    answering(() => {
      const metadata = metadataOf(body);
      const clientId = secret("polar_ci_");
      const client: OAuthClient = {
        id: clientId,
        client_id: clientId,
        client_secret: secret("polar_cs_"),
        registration_access_token: secret(REGISTRATION_TOKEN_PREFIX),
        client_id_issued_at: state.clock.nowSeconds(),
        created_at: state.clock.iso(),
        modified_at: null,
        ...metadata,
      };
      state.store.insert(CLIENT, client);
      return presentClient(state, client);
    }),

  "oauth2:clients:oauth2:get_client": (context) => presentClient(context.state, configuredClient(context)),

  "oauth2:clients:oauth2:update_client": (context) =>
    answering(() => {
      const { state, body } = context;
      const client = configuredClient(context);
      const raw = body as Record<string, unknown>;
      const owned = SERVER_FIELDS.filter((field) => field in raw);
      if (owned.length) throw new OAuthError("invalid_request", `The server sets ${owned.join(", ")}; leave them out.`);
      if (body.client_id !== client.client_id) throw new OAuthError("invalid_request", "client_id does not match.");
      if ("client_secret" in raw && !sameSecret(String(raw.client_secret), client.client_secret)) {
        throw new OAuthError("invalid_request", "client_secret does not match.");
      }
      const updated = { ...client, ...metadataOf(body, client), modified_at: state.clock.iso() };
      state.store.put(CLIENT, updated);
      return presentClient(state, updated);
    }),

  "oauth2:clients:oauth2:delete_client": (context) => {
    const client = configuredClient(context);
    forgetClientGrants(context.state, client.client_id);
    context.state.store.remove(CLIENT, client.client_id);
    return new Reply(204);
  },
};
