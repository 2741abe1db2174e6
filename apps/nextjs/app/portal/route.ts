// Polar's customer portal for the signed-in user: the customer is looked up by the session's user
// id (Polar's external customer id), never by anything in the URL.
import { CustomerPortal } from "@polar-kit/nextjs";
import type { NextRequest } from "next/server";
import { appUrl, polarConnection } from "@/lib/config";
import { seeOther } from "@/lib/http";
import { withErrorPage } from "@/lib/problem";
import { currentUser } from "@/lib/session";

// A user who never bought anything is no Polar customer: the adapter answers 404, shown as a page.
const portal = withErrorPage(
  CustomerPortal(() => ({
    ...polarConnection(),
    getExternalCustomerId: async () => (await currentUser())?.id,
    appUrl: appUrl(),
    returnUrl: "/account",
  })),
);

export async function GET(request: NextRequest): Promise<Response> {
  if (!(await currentUser())) return seeOther("/login?next=/portal");
  return portal(request);
}
