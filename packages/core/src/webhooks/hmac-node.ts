// Used only under the `node` export condition: node:crypto's HMAC is synchronous and several
// times faster than WebCrypto's on Node, whose calls each go through the thread pool.
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import type { Hmac } from "./keys";

/** HMAC-SHA256 with `node:crypto`. */
export const nodeHmac: Hmac<KeyObject> = {
  keys: new Map(),
  importKey: (raw) => createSecretKey(raw),
  sign: (key, prefix, body) => createHmac("sha256", key).update(prefix).update(body).digest("base64"),
};
