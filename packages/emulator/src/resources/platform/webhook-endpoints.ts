import { bodyOrganization, organizationOf, type Subject } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { invalid, notFound } from "../../errors";
import { matches, paginate } from "../../pagination";
import { newEndpoint, newEndpointSecret } from "../../webhooks/endpoints";
import { resetFailures } from "../../webhooks/health";
import { ENDPOINT, type EndpointDoc, skipPending } from "../../webhooks/outbox";

/** The endpoint, or a 404 when it does not exist or belongs to another organization. */
export function ownEndpoint(state: EmulatorState, subject: Subject, id: string): EndpointDoc {
  const endpoint = state.store.find<EndpointDoc>(ENDPOINT, id);
  if (!endpoint || endpoint.organization_id !== organizationOf(subject)) throw notFound();
  return endpoint;
}

// The spec only says `format: uri`; the emulator will POST to it, so only http(s) URLs make sense.
function checkUrl(url: string): void {
  const { protocol } = new URL(url);
  if (protocol !== "http:" && protocol !== "https:") {
    throw invalid(["body", "url"], "URL scheme should be 'http' or 'https'", "url_scheme", url);
  }
}

const MAX_SECRET_LENGTH = 512;

/**
 * A caller-chosen secret (outside the spec: Polar once accepted one, and it lets a test suite use
 * the secret its app is configured with), or a new `whsec_…`.
 */
function secretOf(body: unknown): string {
  const secret = (body as { secret?: unknown }).secret;
  if (secret === undefined || secret === null) return newEndpointSecret();
  if (typeof secret !== "string")
    throw invalid(["body", "secret"], "Input should be a valid string", "string_type", secret);
  if (!secret.trim() || secret.length > MAX_SECRET_LENGTH) {
    throw invalid(
      ["body", "secret"],
      `String should have between 1 and ${MAX_SECRET_LENGTH} characters, not only spaces`,
      "string_length",
      secret.length > 64 ? `${secret.slice(0, 64)}…` : secret,
    );
  }
  return secret;
}

export const webhookEndpointHandlers: OperationHandlers = {
  "webhooks:list_webhook_endpoints": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const endpoints = state.store
      .all<EndpointDoc>(ENDPOINT, { organizationId })
      .filter((endpoint) => matches(query.organization_id, endpoint.organization_id));
    return paginate(endpoints, query);
  },
  "webhooks:create_webhook_endpoint": ({ state, subject, body }) => {
    const organizationId = bodyOrganization(subject, body);
    checkUrl(body.url);
    const endpoint = newEndpoint(
      state,
      {
        organization_id: organizationId,
        url: body.url,
        events: body.events,
        format: body.format,
        name: body.name ?? null,
      },
      secretOf(body),
    );
    return state.store.insert(ENDPOINT, endpoint);
  },
  "webhooks:get_webhook_endpoint": ({ state, subject, params }) => ownEndpoint(state, subject, params.id ?? ""),
  "webhooks:update_webhook_endpoint": ({ state, subject, params, body }) => {
    const current = ownEndpoint(state, subject, params.id ?? "");
    if (body.url != null) checkUrl(body.url);
    // `null` leaves a field as it is, except the name, which may be cleared.
    const updated: EndpointDoc = {
      ...current,
      ...(body.url != null && { url: body.url }),
      ...(body.format != null && { format: body.format }),
      ...(body.events != null && { events: [...new Set(body.events)] }),
      ...(body.enabled != null && { enabled: body.enabled }),
      ...(body.name !== undefined && { name: body.name }),
      modified_at: state.clock.iso(),
    };
    // Re-enabling by hand gives the endpoint a fresh run of 10 failures before it is disabled again.
    if (updated.enabled && !current.enabled) resetFailures(state.db, current.id);
    return state.store.put(ENDPOINT, updated);
  },
  "webhooks:delete_webhook_endpoint": ({ state, subject, params }) => {
    const endpoint = ownEndpoint(state, subject, params.id ?? "");
    skipPending(state.db, state.store, endpoint.id);
    resetFailures(state.db, endpoint.id);
    state.store.remove(ENDPOINT, endpoint.id);
  },
  "webhooks:reset_webhook_endpoint_secret": ({ state, subject, params }) => {
    const endpoint = ownEndpoint(state, subject, params.id ?? "");
    return state.store.put(ENDPOINT, { ...endpoint, secret: newEndpointSecret(), modified_at: state.clock.iso() });
  },
};
