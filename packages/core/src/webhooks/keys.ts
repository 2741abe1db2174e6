import { fail } from "./errors";

/**
 * How the HMAC key is made from the secret. `"polar"`: the UTF-8 bytes of the whole secret,
 * `whsec_` included, which is how Polar signs. `"standard"`: Standard Webhooks, i.e. drop an
 * optional `whsec_` and base64-decode the rest (padding optional).
 */
export type WebhookKeyMode = "polar" | "standard";

/** One HMAC-SHA256 implementation: WebCrypto everywhere, `node:crypto` under the `node` condition. */
export interface Hmac<Key> {
  /** Imported keys by mode and secret, so each secret is imported once. */
  readonly keys: Map<string, Key>;
  importKey(raw: Uint8Array<ArrayBuffer>): Key;
  /** The base64 HMAC-SHA256 of `prefix` followed by `body`. */
  sign(key: Awaited<Key>, prefix: string, body: Uint8Array): string | Promise<string>;
}

// Enough for rotation and a few tenants; past it the cache starts over (imports are cheap, leaks are not).
const MAX_KEYS = 32;

export const utf8 = new TextEncoder();

/** The raw key bytes for a secret, or an `invalid_secret` error that never quotes the secret. */
export function keyBytes(secret: string, mode: WebhookKeyMode | undefined): Uint8Array<ArrayBuffer> {
  const rest = typeof secret === "string" && secret.trim() === secret && secret.replace(/^whsec_/, "");
  // A stray newline from an env file is the usual cause of a whitespace failure.
  if (!rest) fail("invalid_secret", "Webhook secret is empty or not trimmed");
  if (mode !== "standard") return utf8.encode(secret); // "polar", the default
  try {
    return Uint8Array.from(atob(rest as string), (c) => c.charCodeAt(0));
  } catch {
    return fail("invalid_secret", "Webhook secret is not base64");
  }
}

/** The imported key for this secret and mode, imported on first use. */
export function cachedKey<Key>(hmac: Hmac<Key>, secret: string, mode: WebhookKeyMode | undefined): Key {
  // The first character keeps the modes apart whatever the secret holds.
  const id = (mode === "standard" ? "s" : "p") + secret;
  let key = hmac.keys.get(id);
  if (key === undefined) {
    key = hmac.importKey(keyBytes(secret, mode));
    if (hmac.keys.size >= MAX_KEYS) hmac.keys.clear();
    hmac.keys.set(id, key);
  }
  return key;
}
