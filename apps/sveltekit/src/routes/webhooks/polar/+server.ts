import { webhookHandlers } from "@polar-kit/example-store/facts";
import { webhookDeduplicator } from "@polar-kit/example-store/sqlite-store";
import { Webhooks } from "@polar-kit/sveltekit";
import { polarConnection } from "#lib/server/config.ts";
import { store } from "#lib/server/db.ts";

// Polar posts JSON here (no form, so SvelteKit's CSRF check lets it through); the adapter verifies
// the signature (403 otherwise, before any callback) and runs the callback of the event's type.
// `webhookHandlers` fills in onOrderPaid, onSubscription* and onBenefitGrant*, which turn the
// payloads into facts in the store (opened only once an event checked out). A callback that throws
// answers 500, so Polar delivers the event again. The deliveries handled are kept in the store's
// SQLite file, so a restarted app does not run an event again.
export const POST = Webhooks(() => ({
  ...polarConnection(),
  deduplicate: webhookDeduplicator(store),
  ...webhookHandlers(store),
}));
