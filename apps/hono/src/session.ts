// The demo sign-in: the user id in a signed, HTTP-only cookie. Signing (HMAC) means a visitor
// cannot pose as another user by editing the cookie; SameSite=Lax keeps it off cross-site POSTs.
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";

const COOKIE = "store_session";
const THIRTY_DAYS = 30 * 24 * 60 * 60;

export interface SessionCookie {
  /** The signed-in user's id, or undefined (no cookie, or one whose signature fails). */
  userId(c: Context): Promise<string | undefined>;
  start(c: Context, userId: string): Promise<void>;
  end(c: Context): void;
}

/** `secure` should be true when the app is served over https (APP_URL tells, even behind a proxy). */
export function sessionCookie(secret: string, secure: boolean): SessionCookie {
  const options = { path: "/", httpOnly: true, sameSite: "Lax", secure } as const;
  return {
    async userId(c) {
      const value = await getSignedCookie(c, secret, COOKIE);
      return typeof value === "string" && value ? value : undefined;
    },
    start: (c, userId) => setSignedCookie(c, COOKIE, userId, secret, { ...options, maxAge: THIRTY_DAYS }),
    end: (c) => {
      deleteCookie(c, COOKIE, options);
    },
  };
}
