import { Checkout } from "@polar-kit/sveltekit";
import { appUrl, polarConnection } from "#lib/server/config.ts";
import { redirectOrError } from "#lib/server/failures.ts";
import type { RequestHandler } from "./$types";

// The Buy buttons post `products=<id>` here; the adapter creates the checkout and redirects to it.
const checkout = Checkout(() => ({
  ...polarConnection(),
  // Relative to APP_URL (or, on localhost, the request); Polar appends `?checkout_id=…`.
  appUrl: appUrl(),
  successUrl: "/thanks",
  returnUrl: "/",
  // The customer comes from the session, never from the form.
  customer: ({ locals: { user } }) => (user ? { customerExternalId: user.id, customerEmail: user.email } : undefined),
}));

export const POST: RequestHandler = async (event) => redirectOrError(await checkout(event));
