// Polar's webhooks: the adapter verifies the signature (403 otherwise, before any callback runs)
// and calls the callback of the event's type. `webhookHandlers` fills in onOrderPaid,
// onSubscription* and onBenefitGrant*, which turn the payloads into facts in the store (opened only
// once an event checked out). A callback that throws answers 500, so Polar delivers the event
// again; the writes are upserts, so a redelivery changes nothing. The deliveries handled are kept in
// the store's SQLite file, so a restarted app does not run an event again.
import { webhookHandlers } from "@polar-kit/example-store/facts";
import { webhookDeduplicator } from "@polar-kit/example-store/sqlite-store";
import { Webhooks } from "@polar-kit/nextjs";
import { polarConnection } from "@/lib/config";
import { store } from "@/lib/store";

export const POST = Webhooks(() => ({
  ...polarConnection(),
  deduplicate: webhookDeduplicator(store),
  ...webhookHandlers(store),
}));
