// The demo sign-in's rules, the same in every app: which emails it takes, where it may send the
// visitor afterwards, and the value of the signed session cookie. Each app still reads the form and
// sets the cookie its own framework's way.
import { createHmac, timingSafeEqual } from "node:crypto";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether the sign-in form's (trimmed) email looks like an address; longer than 254 characters is none. */
export const isEmail = (email: string): boolean => email.length <= 254 && EMAIL.test(email);

// Any origin of our own: only the path and query of the parsed URL are kept.
const BASE = "http://store.invalid";

// `/`, then anything but `/` or `\`: browsers read `//host` and `/\host` as another site.
const PATH_ABSOLUTE = /^\/(?![/\\])/;

/** The path and query `value` leads to on this site, as the URL parser normalizes them; else undefined. */
function sitePath(value: string): string | undefined {
  try {
    const url = new URL(value, BASE);
    return url.origin === BASE ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined; // e.g. `//a b`: a host no browser would accept either
  }
}

/**
 * A path of this site (path and query), or "/": an open redirect would let a link send a signed-in
 * user anywhere. Parsed as the browser will (it drops tabs and newlines, reads `\` as `/`, resolves
 * `.`, `..` and `%2e` segments), so `/\t/evil.example` and `/\evil.example` are refused. The
 * normalized result is checked again: `/.//evil.example` normalizes to `//evil.example`, which as a
 * Location would leave the site.
 *
 * @example
 * safeNext("/account?tab=usage"); // "/account?tab=usage"
 * safeNext("/\t/evil.example"); // "/"
 * safeNext("/.//evil.example"); // "/"
 */
export function safeNext(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return "/";
  const path = sitePath(value);
  // Returned only if it is its own normal form, so the browser follows exactly this path.
  return path !== undefined && PATH_ABSOLUTE.test(path) && sitePath(path) === path ? path : "/";
}

const signature = (userId: string, secret: string) => createHmac("sha256", secret).update(userId).digest("base64url");

/**
 * The session cookie's value for a user: `<userId>.<signature>`, the signature an HMAC-SHA256 of
 * the id. The HMAC means a visitor cannot pose as another user by editing the cookie.
 */
export const signSession = (userId: string, secret: string): string => `${userId}.${signature(userId, secret)}`;

/** The user id in a `signSession` value, or undefined (none, or a signature that does not match). */
export function verifySession(value: string | undefined, secret: string): string | undefined {
  const dot = value?.lastIndexOf(".") ?? -1;
  if (!value || dot < 1) return undefined;
  const userId = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(userId, secret));
  // Compared in constant time: how long a wrong guess takes tells nothing about the right one.
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}
