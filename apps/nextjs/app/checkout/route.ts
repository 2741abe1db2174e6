// The Buy buttons post here (a POST form, so link prefetching cannot create checkout sessions);
// the adapter creates a checkout session and redirects (303) to Polar's hosted checkout.
import { Checkout } from "@polar-kit/nextjs";
import { appUrl, polarConnection } from "@/lib/config";
import { withErrorPage } from "@/lib/problem";
import { currentUser } from "@/lib/session";

export const POST = withErrorPage(
  Checkout(async () => {
    const user = await currentUser();
    return {
      ...polarConnection(),
      // Polar sends the customer back here, with ?checkout_id=… appended: relative to APP_URL, or
      // on localhost to the request (never to whatever Host header a visitor sends).
      appUrl: appUrl(),
      successUrl: "/thanks",
      returnUrl: "/",
      // The customer comes from the session, never from the form.
      customer: () => (user ? { customerExternalId: user.id, customerEmail: user.email } : undefined),
    };
  }),
);
