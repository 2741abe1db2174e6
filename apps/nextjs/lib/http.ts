import { type NextRequest, NextResponse } from "next/server";
import { appUrl } from "./config";

/** A 303: after a form post the browser follows with a GET, so reloading does not post again. */
export const seeOther = (location: string): NextResponse =>
  new NextResponse(null, { status: 303, headers: { location } });

/** Where Polar's webhooks arrive; the only POST that comes from another site. */
export const WEBHOOK_PATH = "/webhooks/polar";

/**
 * The origin the browser asked for, from its Host header. `request.url` is no substitute: `next
 * start` builds it from the address it listens on (`localhost` for 0.0.0.0 or 127.0.0.1), which is
 * not always the name the visitor used.
 */
export function requestOrigin(request: NextRequest): string {
  const host = request.headers.get("host");
  return host ? `${request.nextUrl.protocol}//${host}` : request.nextUrl.origin;
}

/** The site's public origin: `APP_URL` (e.g. behind a proxy or tunnel), else the request's. */
export const siteOrigin = (request: NextRequest): string => appUrl() ?? requestOrigin(request);
