import { type Hmac, utf8 } from "./keys";

/** HMAC-SHA256 with WebCrypto: runs on Node 20+, Bun, Deno, Workers and edge runtimes. */
export const webCryptoHmac: Hmac<Promise<CryptoKey>> = {
  keys: new Map(),
  importKey: (raw) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]),
  async sign(key, prefix, body) {
    // Bytes are signed as they are: never decoded and re-encoded, so invalid UTF-8 survives.
    const head = utf8.encode(prefix);
    const data = new Uint8Array(head.length + body.length);
    data.set(head);
    data.set(body, head.length);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
    return btoa(String.fromCharCode(...mac));
  },
};
