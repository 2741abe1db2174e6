import { polarHandle } from "@polar-kit/sveltekit";
import { sequence } from "@sveltejs/kit/hooks";
import { onOrderPaid } from "./lib/server/orders";

// The user's own hook, typed without naming `Handle` (its module differs between the majors).
const session: Parameters<typeof sequence>[0] = ({ event, resolve }) => {
  event.locals.user = undefined;
  return resolve(event);
};

export const handle = sequence(
  session,
  polarHandle({
    checkout: { successUrl: "/thanks" },
    customerPortal: { getExternalCustomerId: (event) => event.locals.user?.id },
    webhooks: { onOrderPaid },
  }),
);
