// What the deduplicator tests send through `handleWebhook`: one signed `order.paid` per id, and
// a config that counts its runs.

import type { WebhookDeduplicator } from "../src/handlers";
import { signWebhook } from "../src/webhooks";
import { memoryLogger } from "./fake-polar";

const SECRET = "whsec_polar_kit_dedupe_test";

/** A freshly signed `order.paid` delivery with `webhook-id: id`. */
export async function delivery(id: string) {
  const body = JSON.stringify({
    type: "order.paid",
    timestamp: "2026-11-28T10:00:00.000000Z",
    data: { id: "o_1", total_amount: 2500, customer_id: "c_1", status: "paid" },
  });
  const headers = await signWebhook({ id, timestamp: Math.floor(Date.now() / 1000), body, secret: SECRET });
  return new Request("https://shop.example/api/webhooks/polar", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

/** The handler config for `delivery`: its secret, `deduplicate`, and `onOrderPaid`. */
export const config = (deduplicate: WebhookDeduplicator, onOrderPaid: () => unknown) => ({
  webhookSecret: SECRET,
  logger: memoryLogger(),
  deduplicate,
  onOrderPaid,
});
