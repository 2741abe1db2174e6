// Test helpers of the OAuth flow, over real HTTP: registering a client, going through the consent
// page as a browser would (GET the page, POST its form with the cookie it set), and calling the
// form endpoints with either client authentication method.
import { createHash, randomBytes } from "node:crypto";
import type { RunningEmulator } from "../../server";

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  registration_access_token: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  [key: string]: unknown;
}

export const REDIRECT_URI = "https://app.example/callback";

/** Registers a client (RFC 7591) and returns the registration response. */
export async function registerClient(
  emu: RunningEmulator,
  metadata: Record<string, unknown> = {},
): Promise<RegisteredClient> {
  const res = await fetch(`${emu.url}/v1/oauth2/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "Test App", redirect_uris: [REDIRECT_URI], ...metadata }),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`registration answered ${res.status}: ${JSON.stringify(body)}`);
  return body as RegisteredClient;
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** The consent page as a browser gets it: status, HTML, its form token and cookie, or a redirect. */
export async function openConsent(emu: RunningEmulator, params: Record<string, string>) {
  const res = await fetch(`${emu.url}/oauth2/authorize?${new URLSearchParams(params)}`, { redirect: "manual" });
  const html = await res.text();
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return {
    status: res.status,
    headers: res.headers,
    html,
    cookie,
    formToken: /name="form_token" value="([^"]+)"/.exec(html)?.[1] ?? "",
    organizations: [...html.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1] as string),
    location: res.headers.get("location"),
  };
}

/** Posts the consent form; answers the redirect's location (or the error page). */
export async function submitConsent(
  emu: RunningEmulator,
  consent: { formToken: string; cookie: string },
  fields: Record<string, string> = { action: "allow" },
) {
  const res = await fetch(`${emu.url}/oauth2/consent`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: consent.cookie },
    body: new URLSearchParams({ form_token: consent.formToken, ...fields }),
  });
  const location = res.headers.get("location");
  return { status: res.status, html: await res.text(), location: location ? new URL(location) : null };
}

export interface AuthorizeOptions {
  scope?: string;
  state?: string;
  subType?: "user" | "organization";
  organizationId?: string;
  /** PKCE; a new S256 pair unless `false`. */
  pkce?: { verifier: string; challenge: string } | false;
  redirectUri?: string;
}

/** Runs the authorization request through the consent page and approves it; returns the code. */
export async function authorizeCode(emu: RunningEmulator, client: RegisteredClient, options: AuthorizeOptions = {}) {
  const pkce = options.pkce === false ? undefined : (options.pkce ?? pkcePair());
  const state = options.state ?? randomBytes(8).toString("hex");
  const consent = await openConsent(emu, {
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    state,
    ...(options.scope && { scope: options.scope }),
    ...(options.subType && { sub_type: options.subType }),
    ...(pkce && { code_challenge: pkce.challenge, code_challenge_method: "S256" }),
  });
  if (consent.status !== 200) throw new Error(`consent page answered ${consent.status}: ${consent.location}`);
  const answer = await submitConsent(emu, consent, {
    action: "allow",
    ...(consent.organizations.length && { organization_id: options.organizationId ?? consent.organizations[0] }),
  });
  const code = answer.location?.searchParams.get("code");
  if (!code) throw new Error(`consent answered ${answer.status}: ${answer.location ?? answer.html}`);
  return { code, state, verifier: pkce?.verifier, location: answer.location as URL };
}

/** Posts a form to an OAuth endpoint; `basic` sends the client credentials in the header. */
export async function postForm(
  emu: RunningEmulator,
  path: string,
  fields: Record<string, string | undefined>,
  options: { basic?: [string, string]; headers?: Record<string, string> } = {},
) {
  const defined = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    ...(options.basic && {
      authorization: `Basic ${Buffer.from(options.basic.map(encodeURIComponent).join(":")).toString("base64")}`,
    }),
    ...options.headers,
  };
  const res = await fetch(`${emu.url}${path}`, { method: "POST", headers, body: new URLSearchParams(defined) });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: read as loosely as the harness's `call` reads answers
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

/** Exchanges a code for tokens with client_secret_post. */
export function exchangeCode(
  emu: RunningEmulator,
  client: RegisteredClient,
  code: string,
  verifier: string | undefined,
  extra: Record<string, string | undefined> = {},
) {
  return postForm(emu, "/v1/oauth2/token", {
    grant_type: "authorization_code",
    client_id: client.client_id,
    client_secret: client.client_secret,
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...extra,
  });
}

/** A registered client and a fresh token response for it (organization grant unless told otherwise). */
export async function grantedTokens(
  emu: RunningEmulator,
  options: AuthorizeOptions & { client?: RegisteredClient } = {},
) {
  const client = options.client ?? (await registerClient(emu, { default_sub_type: "organization" }));
  const { code, verifier } = await authorizeCode(emu, client, options);
  const res = await exchangeCode(emu, client, code, verifier);
  if (res.status !== 200) throw new Error(`token exchange answered ${res.status}: ${JSON.stringify(res.body)}`);
  return {
    client,
    tokens: res.body as { access_token: string; refresh_token: string; scope: string; id_token?: string },
  };
}
