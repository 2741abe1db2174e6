// Runs before every request (Node.js runtime). Form posts must come from this site's own pages, so
// another site cannot make a signed-in visitor buy, sign out or record usage; Polar's webhooks
// come from elsewhere and are verified by their signature instead.
import { type NextRequest, NextResponse } from "next/server";
import { appUrl } from "@/lib/config";
import { requestOrigin, WEBHOOK_PATH } from "@/lib/http";
import { problemResponse } from "@/lib/problem";

const SAFE_METHODS = new Set(["GET", "HEAD"]);

export function proxy(request: NextRequest): Response {
  const { pathname } = request.nextUrl;
  if (SAFE_METHODS.has(request.method) || pathname === WEBHOOK_PATH) return NextResponse.next();
  // Browsers send Origin with every POST; a post without one is not from our pages either.
  const from = request.headers.get("origin");
  if (!from || (from !== requestOrigin(request) && from !== appUrl())) {
    return problemResponse(403, "Request refused", "Forms must be sent from this site's own pages.");
  }
  return NextResponse.next();
}

export const config = {
  // Not Next.js' own files.
  matcher: "/((?!_next/).*)",
};
