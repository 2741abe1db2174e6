import { describe, expect, it } from "vitest";
import { cachedKey, type Hmac, keyBytes } from "./keys";

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("keyBytes", () => {
  it("uses the UTF-8 bytes of the whole secret, whsec_ included, in Polar mode", () => {
    const secret = "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK";
    expect(hex(keyBytes(secret, "polar"))).toBe(
      "77687365635f6f76794e3663507254763536414170767a43614a6e6f303853536d474a6d676257696c6233334e324a754b",
    );
    expect(keyBytes("clé", undefined)).toEqual(new TextEncoder().encode("clé"));
  });

  it("base64-decodes what follows an optional whsec_ in standard mode, padded or not", () => {
    const key = "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0";
    expect(hex(keyBytes("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "standard"))).toBe(key);
    expect(hex(keyBytes("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "standard"))).toBe(key);
    expect(hex(keyBytes("whsec_YWI=", "standard"))).toBe("6162");
    expect(hex(keyBytes("whsec_YWI", "standard"))).toBe("6162");
  });
});

describe("cachedKey", () => {
  const counting = () => {
    const imported: string[] = [];
    const hmac: Hmac<string> = {
      keys: new Map(),
      importKey: (raw) => {
        imported.push(hex(raw));
        return `key:${hex(raw)}`;
      },
      sign: () => "",
    };
    return { hmac, imported };
  };

  it("imports each secret once per key mode", () => {
    const { hmac, imported } = counting();
    for (let i = 0; i < 3; i++) {
      expect(cachedKey(hmac, "whsec_YWI=", "polar")).toBe(`key:${hex(new TextEncoder().encode("whsec_YWI="))}`);
      expect(cachedKey(hmac, "whsec_YWI=", "standard")).toBe("key:6162");
    }
    expect(imported).toHaveLength(2);
    // No default-versus-explicit duplicate, and no mix-up of a secret that looks like a mode.
    cachedKey(hmac, "whsec_YWI=", undefined);
    expect(imported).toHaveLength(2);
    expect(cachedKey(hmac, "sYWI=", "polar")).not.toBe(cachedKey(hmac, "YWI=", "standard"));
  });

  it("stays bounded however many secrets pass through", () => {
    const { hmac, imported } = counting();
    for (let i = 0; i < 100; i++) cachedKey(hmac, `whsec_tenant${i}`, "polar");
    expect(hmac.keys.size).toBeLessThanOrEqual(32);
    expect(imported).toHaveLength(100);
    cachedKey(hmac, "whsec_tenant99", "polar");
    expect(imported).toHaveLength(100);
  });

  it("never caches a refused secret", () => {
    const { hmac } = counting();
    expect(() => cachedKey(hmac, "", "polar")).toThrow(expect.objectContaining({ reason: "invalid_secret" }));
    expect(hmac.keys.size).toBe(0);
  });
});
