// The demo sign-in: the user id in a signed, HTTP-only cookie. The signature (HMAC) means a visitor
// cannot pose as another user by editing the cookie; SameSite=Lax keeps it off cross-site POSTs.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Cookies } from "@sveltejs/kit";
import { sessionSecret } from "./config";

const COOKIE = "store_session";
const THIRTY_DAYS = 30 * 24 * 60 * 60;

const sign = (value: string) => createHmac("sha256", sessionSecret()).update(value).digest("base64url");

/** The signed-in user's id, or undefined (no cookie, or one whose signature does not match). */
export function sessionUserId(cookies: Cookies): string | undefined {
  const [userId, signature, ...rest] = cookies.get(COOKIE)?.split(".") ?? [];
  if (!userId || !signature || rest.length) return undefined;
  const expected = Buffer.from(sign(userId));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}

/** `secure` follows the public origin (ORIGIN, from APP_URL): https in production, http on 127.0.0.1. */
export function startSession(cookies: Cookies, url: URL, userId: string): void {
  cookies.set(COOKIE, `${userId}.${sign(userId)}`, {
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
