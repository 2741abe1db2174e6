// The demo sign-in: the user id in a signed, HTTP-only cookie (`signSession`: a visitor cannot pose
// as another user by editing it); SameSite=Lax keeps it off cross-site POSTs.
import { signSession, verifySession } from "@polar-kit/example-store/sign-in";
import type { Cookies } from "@sveltejs/kit";
import { sessionSecret } from "./config";

const COOKIE = "store_session";
const THIRTY_DAYS = 30 * 24 * 60 * 60;

/** The signed-in user's id, or undefined (no cookie, or one whose signature does not match). */
export const sessionUserId = (cookies: Cookies): string | undefined =>
  verifySession(cookies.get(COOKIE), sessionSecret());

/** `secure` follows the public origin (ORIGIN, from APP_URL): https in production, http on 127.0.0.1. */
export function startSession(cookies: Cookies, url: URL, userId: string): void {
  cookies.set(COOKIE, signSession(userId, sessionSecret()), {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: url.protocol === "https:",
    maxAge: THIRTY_DAYS,
  });
}

export function endSession(cookies: Cookies, url: URL): void {
  cookies.delete(COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure: url.protocol === "https:" });
}
