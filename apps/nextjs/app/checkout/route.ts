// The Buy buttons post here (a POST form, so link prefetching cannot create checkout sessions);
// the adapter creates a checkout session and redirects (303) to Polar's hosted checkout.
import { Checkout } from "@polar-kit/nextjs";
import { polarConnection } from "@/lib/config";
import { siteOrigin } from "@/lib/http";
import { withErrorPage } from "@/lib/problem";
import { currentUser } from "@/lib/session";

export const POST = withErrorPage(
  Checkout(async (request) => {
    const user = await currentUser();
    const origin = siteOrigin(request);
    return {
      ...polarConnection(),
      // Polar sends the customer back here, with ?checkout_id=… appended.
      successUrl: `${origin}/thanks`,
      returnUrl: `${origin}/`,
      // The customer comes from the session, never from the form.
      customer: () => (user ? { customerExternalId: user.id, customerEmail: user.email } : undefined),
    };
  }),
);
