import { Checkout } from "@polar-kit/sveltekit";
import type { RequestHandler } from "@sveltejs/kit";

export const POST: RequestHandler = Checkout({
  successUrl: "/thanks",
  customer: ({ locals: { user } }) => (user ? { customerExternalId: user.id, customerEmail: user.email } : undefined),
});
