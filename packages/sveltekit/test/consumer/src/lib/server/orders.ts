import type { WebhookEventOf } from "@polar-kit/sveltekit";
import type { RequestEvent } from "@sveltejs/kit";

export async function markPaid(orderId: string): Promise<void> {
  void orderId;
}

// A webhook callback defined apart from the config: the event and the request event it receives.
export async function onOrderPaid(payload: WebhookEventOf<"order.paid">, event: RequestEvent): Promise<void> {
  await markPaid(payload.data.id);
  void event.locals.user;
}
