// The consent page (`/oauth2/authorize`, the emulator's stand-in for polar.sh/oauth2/authorize):
// a server-rendered form where the emulator's user approves or denies a client's request.
// The checked request stays server-side under a one-time form token, bound to the browser by a
// SameSite=Strict cookie, so a cross-site form post cannot approve anything.
import type { Context, Hono } from "hono";
import type { EmulatorState } from "../../context";
import { secret } from "../../ids";
import { escapeHtml, htmlResponse, page } from "../commerce/html";
import {
  type AuthorizationRequest,
  type CheckedAuthorization,
  checkAuthorizationRequest,
  issueCode,
  RedirectedAuthorizationError,
  redirectTo,
  UnsafeAuthorizationError,
} from "./authorization";
import { findClient, type OAuthClient } from "./clients";
import type { OAuthError } from "./errors";
import { type Form, FormTooLargeError, readForm } from "./form";
import { parseScope, scopeDisplayNames } from "./scopes";
import { defaultOrganizationId, emulatorUser, grantableOrganizations } from "./subjects";

const BROWSER_COOKIE = "polar_oauth_browser";
const CONSENT_LIFETIME_MS = 10 * 60_000;

// The page must not be framed (clickjacking), cached or leak its URL in a Referer.
const PAGE_HEADERS = {
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "content-security-policy": "frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
};

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function errorPage(error: OAuthError | string, status = 400): Response {
  const message = typeof error === "string" ? error : error.description;
  const code = typeof error === "string" ? "" : `<p class="muted">Error: <code>${escapeHtml(error.error)}</code></p>`;
  const html = page(
    "Authorization failed",
    `<h1>Authorization failed</h1><div class="error">${escapeHtml(message)}</div>${code}<p>Go back to the application and start again.</p>`,
  );
  return withHeaders(htmlResponse(html, status), PAGE_HEADERS);
}

const redirect = (location: string, status: 302 | 303) =>
  new Response(null, { status, headers: { location, "cache-control": "no-store" } });

function browserOf(c: Context): string | undefined {
  for (const part of (c.req.header("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === BROWSER_COOKIE && value && /^[A-Za-z0-9]{20,64}$/.test(value)) return value;
  }
  return undefined;
}

/** Only web URLs become links on the page (no `javascript:`). */
const webLink = (url: string | null) =>
  url && /^https?:\/\//i.test(url)
    ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a>`
    : "";

function renderConsent(state: EmulatorState, client: OAuthClient, request: AuthorizationRequest, formToken: string) {
  const names = scopeDisplayNames();
  const scopes = parseScope(request.scope)
    .map((scope) => `<li>${escapeHtml(names[scope] ?? scope)} <code class="muted">${escapeHtml(scope)}</code></li>`)
    .join("");
  const organizations = grantableOrganizations(state).filter((o) => request.sub === null || o.id === request.sub);
  const subject =
    request.sub_type === "organization"
      ? `<label for="organization_id">Organization</label><select id="organization_id" name="organization_id">${organizations
          .map((o) => `<option value="${escapeHtml(o.id)}">${escapeHtml(o.name)} (${escapeHtml(o.slug)})</option>`)
          .join("")}</select>`
      : `<p>Signed in as <strong>${escapeHtml(emulatorUser(state).email)}</strong></p>`;
  const target = new URL(request.redirect_uri);
  const body = `<h1>Authorize ${escapeHtml(client.client_name)}</h1>
<p class="muted">${escapeHtml(client.client_name)} wants access to ${
    request.sub_type === "organization" ? "an organization" : "your account"
  } on the Polar emulator. ${webLink(client.client_uri)}</p>
<h2>It will be able to</h2>
<ul>${scopes}</ul>
<form method="post" action="/oauth2/consent">
<input type="hidden" name="form_token" value="${escapeHtml(formToken)}">
${subject}
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny" class="secondary">Deny</button>
</form>
<p class="muted">You will be sent back to ${escapeHtml(target.origin === "null" ? target.protocol : target.origin)}.</p>`;
  return page(`Authorize ${client.client_name}`, body);
}

async function showConsent(c: Context, state: EmulatorState): Promise<Response> {
  const params = new URL(c.req.url).searchParams;
  let checked: CheckedAuthorization;
  try {
    checked = state.db.transaction(() => checkAuthorizationRequest(state, params));
  } catch (error) {
    if (error instanceof RedirectedAuthorizationError) {
      const location = redirectTo(state, error.redirectUri, {
        error: error.error,
        error_description: error.description,
        state: error.state,
      });
      return redirect(location, 302);
    }
    if (error instanceof UnsafeAuthorizationError) return errorPage(error);
    throw error;
  }
  const { request, client } = checked;
  const browser = browserOf(c) ?? secret("", 32);
  const formToken = secret("", 43);
  const now = state.clock.now().getTime();
  state.db.transaction(() => {
    state.db.prepare("DELETE FROM oauth2_consents WHERE expires_at <= ?").run(now);
    state.db
      .prepare("INSERT INTO oauth2_consents (form_token, browser, request, expires_at) VALUES (?, ?, ?, ?)")
      .run(formToken, browser, JSON.stringify(request), now + CONSENT_LIFETIME_MS);
  });
  return withHeaders(htmlResponse(renderConsent(state, client, request, formToken)), {
    ...PAGE_HEADERS,
    "set-cookie": `${BROWSER_COOKIE}=${browser}; Path=/oauth2; HttpOnly; SameSite=Strict`,
  });
}

/** Takes (and so uses up) the pending request of a form token, if it is this browser's and not expired. */
function takeConsent(state: EmulatorState, formToken: string, browser: string | undefined) {
  const row = state.db.prepare("SELECT * FROM oauth2_consents WHERE form_token = ?").get(formToken) as
    | { browser: string; request: string; expires_at: number }
    | undefined;
  if (!row) return undefined;
  state.db.prepare("DELETE FROM oauth2_consents WHERE form_token = ?").run(formToken);
  if (row.browser !== browser || row.expires_at <= state.clock.now().getTime()) return undefined;
  return JSON.parse(row.request) as AuthorizationRequest;
}

type Decision = { location: string } | { failure: string };

function decide(state: EmulatorState, form: Form, browser: string | undefined): Decision {
  const request = takeConsent(state, form.get("form_token") ?? "", browser);
  if (!request) return { failure: "This authorization request has expired or was already answered." };
  const action = form.get("action");
  if (action === "deny") {
    return { location: redirectTo(state, request.redirect_uri, { error: "access_denied", state: request.state }) };
  }
  if (action !== "allow") return { failure: "Choose Allow or Deny." };
  if (!findClient(state, request.client_id)) return { failure: "The application is no longer registered." };
  let grant: { sub: string; organizationId: string };
  if (request.sub_type === "organization") {
    const chosen = form.get("organization_id") ?? "";
    const allowed = grantableOrganizations(state).some((o) => o.id === chosen);
    if (!allowed || (request.sub !== null && chosen !== request.sub)) return { failure: "Choose an organization." };
    grant = { sub: chosen, organizationId: chosen };
  } else {
    grant = { sub: emulatorUser(state).id, organizationId: defaultOrganizationId(state) };
  }
  const code = issueCode(state, request, grant);
  return { location: redirectTo(state, request.redirect_uri, { code, state: request.state }) };
}

async function answerConsent(c: Context, state: EmulatorState): Promise<Response> {
  const read = await readForm(c);
  if ("error" in read) {
    // A body too large is refused in the page's own words.
    if (read.error instanceof FormTooLargeError) return errorPage("The form is too large.", 413);
    return errorPage(read.error, read.error.status);
  }
  const { form } = read;
  const decision = state.db.transaction(() => decide(state, form, browserOf(c)));
  if ("failure" in decision) return errorPage(decision.failure);
  return redirect(decision.location, 303);
}

/** Mounts the consent page and its form. */
export function consentRoutes(app: Hono, state: EmulatorState): void {
  app.get("/oauth2/authorize", (c) => showConsent(c, state));
  app.post("/oauth2/consent", (c) => answerConsent(c, state));
}
