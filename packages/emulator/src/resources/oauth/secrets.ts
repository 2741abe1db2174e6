// Comparing secrets and checking PKCE (RFC 7636) without leaking timing.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Whether two secrets are equal, in time that does not depend on where they differ. */
export const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

export type ChallengeMethod = "S256" | "plain";

// RFC 7636 §4.1 and §4.2: 43 to 128 characters of the unreserved set.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export const isWellFormedPkceValue = (value: string): boolean => VERIFIER.test(value);

/** RFC 7636 §4.6: whether `verifier` answers the code's challenge. */
export function verifierMatches(verifier: string, challenge: string, method: ChallengeMethod): boolean {
  const derived = method === "S256" ? createHash("sha256").update(verifier, "ascii").digest("base64url") : verifier;
  return sameSecret(derived, challenge);
}
