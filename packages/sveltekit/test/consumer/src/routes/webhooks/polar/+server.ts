import { Webhooks } from "@polar-kit/sveltekit";
import { markPaid } from "../../../lib/server/orders";

export const POST = Webhooks({ onOrderPaid: async (payload) => markPaid(payload.data.id) });
