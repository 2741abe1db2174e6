import type { EmulatorState } from "../context";
import { secret as newSecret, uuid } from "../ids";
import { loadSpec } from "../spec";
import { ENDPOINT } from "./outbox";

/** Every webhook event type of the spec. */
export const allEventTypes = (): string[] => loadSpec().document.components.schemas.WebhookEventType?.enum as string[];

/** Registers an endpoint for every event type (the CLI's `--webhook-url`); returns its secret. */
export function registerWebhookEndpoint(state: EmulatorState, organizationId: string, url: string, secret?: string) {
  const now = state.clock.iso();
  const endpoint = {
    id: uuid(),
    created_at: now,
    modified_at: null,
    url,
    name: "polar-kit emulator",
    format: "raw",
    secret: secret ?? newSecret("whsec_", 32),
    organization_id: organizationId,
    events: allEventTypes(),
    enabled: true,
  };
  state.store.insert(ENDPOINT, endpoint);
  return endpoint.secret;
}
