import { Webhooks } from "@polar-kit/sveltekit";
import { polarConnection } from "$lib/server/config";
import { webhookHandlers } from "$lib/server/webhooks";

// Polar posts JSON here (no form, so SvelteKit's CSRF check lets it through); the adapter verifies
// the signature (403 otherwise, before any callback) and runs the callback of the event's type.
export const POST = Webhooks(() => ({ ...polarConnection(), ...webhookHandlers }));
