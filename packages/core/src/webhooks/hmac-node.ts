// Used only under the `node` export condition: node:crypto's HMAC is synchronous and several
// times faster than WebCrypto's on Node, whose calls each go through the thread pool.
import type { KeyObject } from "node:crypto";
import type { Hmac } from "./keys";

type NodeCrypto = typeof import("node:crypto");

// Loaded on the first verification rather than at import: node:crypto takes milliseconds to load,
// and most processes that import this module start long before their first webhook.
let nodeCrypto: NodeCrypto | undefined;
async function load(): Promise<NodeCrypto> {
  const builtin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  nodeCrypto ??= (builtin?.("node:crypto") as NodeCrypto | undefined) ?? (await import("node:crypto"));
  return nodeCrypto;
}

/** HMAC-SHA256 with `node:crypto`. */
export const nodeHmac: Hmac<Promise<KeyObject>> = {
  keys: new Map(),
  importKey: async (raw) => (await load()).createSecretKey(raw),
  // A key exists only after `load()` resolved, so the module is there by the time anything is signed.
  sign: (key, prefix, body) =>
    (nodeCrypto as NodeCrypto).createHmac("sha256", key).update(prefix).update(body).digest("base64"),
};
