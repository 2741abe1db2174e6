import { CustomerPortal } from "@polar-kit/sveltekit";
import { redirect } from "@sveltejs/kit";
import { appUrl, polarConnection } from "#lib/server/config.ts";
import { redirectOrError } from "#lib/server/failures.ts";
import type { RequestHandler } from "./$types";

// Polar's customer portal (invoices, payment method, cancellation) for the signed-in user.
const portal = CustomerPortal(() => ({
  ...polarConnection(),
  // The customer is the session's user, never one named in the URL.
  getExternalCustomerId: (event) => event.locals.user?.id,
  appUrl: appUrl(),
  returnUrl: "/account",
}));

export const GET: RequestHandler = async (event) => {
  if (!event.locals.user) redirect(303, "/login?next=%2Fportal");
  // A user who never bought anything is no Polar customer: the adapter answers 404.
  return redirectOrError(await portal(event));
};
