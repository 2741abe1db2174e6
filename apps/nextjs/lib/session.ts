// The demo sign-in: the user id in a signed, HTTP-only cookie. The HMAC means a visitor cannot pose
// as another user by editing the cookie; SameSite=Lax keeps it off cross-site POSTs.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { User } from "@polar-kit/example-store/facts";
import { cookies } from "next/headers";
import type { NextResponse } from "next/server";
import { cache } from "react";
import { sessionSecret } from "./config";
import { store } from "./store";

const COOKIE = "store_session";
const THIRTY_DAYS = 30 * 24 * 60 * 60;

const signature = (userId: string) => createHmac("sha256", sessionSecret()).update(userId).digest("base64url");

/** The user id in a cookie value `<id>.<signature>`, or undefined if the signature does not match. */
function verify(value: string | undefined): string | undefined {
  const dot = value?.lastIndexOf(".") ?? -1;
  if (!value || dot < 1) return undefined;
  const userId = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(userId));
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}

/** The signed-in user, from the request's cookie; looked up once per page render. */
export const currentUser = cache(async (): Promise<User | undefined> => {
  const userId = verify((await cookies()).get(COOKIE)?.value);
  return userId ? store().findUser(userId) : undefined;
});

/** The cookie is `Secure` when the site is served over https (`siteOrigin` tells, even behind a proxy). */
const cookieOptions = (siteOrigin: string) =>
  ({ path: "/", httpOnly: true, sameSite: "lax", secure: siteOrigin.startsWith("https:") }) as const;

/** Signs the user in: sets the session cookie on `response`. */
export function startSession(response: NextResponse, siteOrigin: string, userId: string): NextResponse {
  const value = `${userId}.${signature(userId)}`;
  response.cookies.set(COOKIE, value, { ...cookieOptions(siteOrigin), maxAge: THIRTY_DAYS });
  return response;
}

export function endSession(response: NextResponse, siteOrigin: string): NextResponse {
  response.cookies.set(COOKIE, "", { ...cookieOptions(siteOrigin), maxAge: 0 });
  return response;
}
