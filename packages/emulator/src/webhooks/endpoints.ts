import type { EmulatorState } from "../context";
import { secret as newSecret, uuid } from "../ids";
import { loadSpec } from "../spec";
import { resetFailures } from "./health";
import { ENDPOINT, type EndpointDoc } from "./outbox";

/** Every webhook event type of the spec. */
export const allEventTypes = (): string[] => loadSpec().document.components.schemas.WebhookEventType?.enum as string[];

/** A new endpoint secret in Polar's form: `whsec_` and 43 alphanumerics. */
export const newEndpointSecret = () => newSecret("whsec_", 43);

const CLI_ENDPOINT_NAME = "polar-kit emulator";

/** A new endpoint as the API returns it (not stored). */
export function newEndpoint(
  state: EmulatorState,
  fields: { organization_id: string; url: string; events: string[]; format?: string; name?: string | null },
  secret = newEndpointSecret(),
): EndpointDoc {
  return {
    id: uuid(),
    created_at: state.clock.iso(),
    modified_at: null,
    name: null,
    format: "raw",
    secret,
    enabled: true,
    ...fields,
    events: [...new Set(fields.events)],
  };
}

/**
 * Registers an endpoint for every event type (the CLI's `--webhook-url`) and returns its secret.
 * A reopened database keeps the endpoint it registered before instead of adding a second one.
 */
export function registerWebhookEndpoint(state: EmulatorState, organizationId: string, url: string, secret?: string) {
  const existing = state.store
    .all<EndpointDoc>(ENDPOINT, { organizationId })
    .find((endpoint) => endpoint.url === url && endpoint.name === CLI_ENDPOINT_NAME);
  if (existing) {
    const updated = { ...existing, events: allEventTypes(), enabled: true, secret: secret ?? existing.secret };
    state.store.put(ENDPOINT, updated);
    if (!existing.enabled) resetFailures(state.db, existing.id);
    return updated.secret;
  }
  const endpoint = newEndpoint(
    state,
    { organization_id: organizationId, url, name: CLI_ENDPOINT_NAME, events: allEventTypes() },
    secret,
  );
  state.store.insert(ENDPOINT, endpoint);
  return endpoint.secret;
}
