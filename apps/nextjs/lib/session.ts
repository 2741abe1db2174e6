// The demo sign-in: the user id in a signed, HTTP-only cookie (`signSession`: a visitor cannot pose
// as another user by editing it); SameSite=Lax keeps it off cross-site POSTs.
import type { User } from "@polar-kit/example-store/facts";
import { signSession, verifySession } from "@polar-kit/example-store/sign-in";
import { cookies } from "next/headers";
import type { NextResponse } from "next/server";
import { cache } from "react";
import { sessionSecret } from "./config";
import { store } from "./store";

const COOKIE = "store_session";
const THIRTY_DAYS = 30 * 24 * 60 * 60;

/** The signed-in user, from the request's cookie; looked up once per page render. */
export const currentUser = cache(async (): Promise<User | undefined> => {
  const userId = verifySession((await cookies()).get(COOKIE)?.value, sessionSecret());
  return userId ? store().findUser(userId) : undefined;
});

/** The cookie is `Secure` when the site is served over https (`siteOrigin` tells, even behind a proxy). */
const cookieOptions = (siteOrigin: string) =>
  ({ path: "/", httpOnly: true, sameSite: "lax", secure: siteOrigin.startsWith("https:") }) as const;

/** Signs the user in: sets the session cookie on `response`. */
export function startSession(response: NextResponse, siteOrigin: string, userId: string): NextResponse {
  response.cookies.set(COOKIE, signSession(userId, sessionSecret()), {
    ...cookieOptions(siteOrigin),
    maxAge: THIRTY_DAYS,
  });
  return response;
}

export function endSession(response: NextResponse, siteOrigin: string): NextResponse {
  response.cookies.set(COOKIE, "", { ...cookieOptions(siteOrigin), maxAge: 0 });
  return response;
}
