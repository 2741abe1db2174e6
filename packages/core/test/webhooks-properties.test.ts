import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as webcrypto from "../src/webhooks";
import * as nodeCrypto from "../src/webhooks/node";

// What a sender may put in the headers: ids without `.`, whole seconds, raw bytes or text.
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const timestamp = fc.integer({ min: 0, max: 4_102_444_800 });
const body = fc.oneof(fc.string({ unit: "grapheme", maxLength: 300 }), fc.uint8Array({ maxLength: 300 }));
const polarSecret = fc.stringMatching(/^whsec_[A-Za-z0-9]{10,48}$/);
const standardSecret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((key) => `whsec_${btoa(String.fromCharCode(...key))}`);
const keyed = fc.oneof(
  fc.record({ secret: polarSecret, keyMode: fc.constant("polar" as const) }),
  fc.record({ secret: standardSecret, keyMode: fc.constant("standard" as const) }),
);
const message = fc.record({ id, timestamp, body, key: keyed });

const bytes = (value: string | Uint8Array) => (typeof value === "string" ? new TextEncoder().encode(value) : value);
const sameBytes = (a: string | Uint8Array, b: string | Uint8Array) => {
  const [x, y] = [bytes(a), bytes(b)];
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
};
const RUNS = { numRuns: 150 };

describe.each([
  ["WebCrypto", webcrypto],
  ["node:crypto", nodeCrypto],
])("properties (%s)", (_, { signWebhook, verifyWebhookSignature, verifyWebhook }) => {
  const reasonOf = (run: Promise<unknown>) =>
    run.then(
      () => "ok",
      (error) => error.reason ?? String(error),
    );

  it("verifies whatever it signed", async () => {
    await fc.assert(
      fc.asyncProperty(message, async ({ id, timestamp, body, key }) => {
        const headers = await signWebhook({ id, timestamp, body, ...key });
        await verifyWebhookSignature({ body, headers, now: timestamp, ...key });
      }),
      RUNS,
    );
  });

  it("returns the signed JSON event as it was sent", async () => {
    const event = fc.record({ type: fc.string(), timestamp: fc.string(), data: fc.jsonValue() });
    await fc.assert(
      fc.asyncProperty(event, keyed, timestamp, async (event, key, timestamp) => {
        const body = JSON.stringify(event);
        const headers = await signWebhook({ body, timestamp, ...key });
        expect(await verifyWebhook({ body, headers, now: timestamp, ...key })).toEqual(JSON.parse(body));
      }),
      RUNS,
    );
  });

  it("rejects any other body", async () => {
    await fc.assert(
      fc.asyncProperty(message, body, async ({ id, timestamp, body, key }, other) => {
        fc.pre(!sameBytes(body, other));
        const headers = await signWebhook({ id, timestamp, body, ...key });
        expect(await reasonOf(verifyWebhookSignature({ body: other, headers, now: timestamp, ...key }))).toBe(
          "no_matching_signature",
        );
      }),
      RUNS,
    );
  });

  it("rejects any other id", async () => {
    await fc.assert(
      fc.asyncProperty(message, id, async ({ id, timestamp, body, key }, other) => {
        fc.pre(other !== id);
        const headers = { ...(await signWebhook({ id, timestamp, body, ...key })), "webhook-id": other };
        expect(await reasonOf(verifyWebhookSignature({ body, headers, now: timestamp, ...key }))).toBe(
          "no_matching_signature",
        );
      }),
      RUNS,
    );
  });

  it("rejects any other timestamp: unsigned when in tolerance, stale or early otherwise", async () => {
    await fc.assert(
      fc.asyncProperty(message, fc.integer({ min: -1000, max: 1000 }), async ({ id, timestamp, body, key }, shift) => {
        fc.pre(shift !== 0 && timestamp + shift >= 0);
        const signed = await signWebhook({ id, timestamp, body, ...key });
        const headers = { ...signed, "webhook-timestamp": String(timestamp + shift) };
        const expected =
          shift > 300 ? "timestamp_too_new" : shift < -300 ? "timestamp_too_old" : "no_matching_signature";
        expect(await reasonOf(verifyWebhookSignature({ body, headers, now: timestamp, ...key }))).toBe(expected);
      }),
      RUNS,
    );
  });

  it("rejects any change to the signature", async () => {
    const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    await fc.assert(
      fc.asyncProperty(
        message,
        fc.nat(),
        fc.constantFrom(...base64),
        async ({ id, timestamp, body, key }, position, replacement) => {
          const signed = await signWebhook({ id, timestamp, body, ...key });
          const signature = signed["webhook-signature"];
          const at = 3 + (position % (signature.length - 3));
          fc.pre(signature[at] !== replacement);
          const changed = signature.slice(0, at) + replacement + signature.slice(at + 1);
          const headers = { ...signed, "webhook-signature": changed };
          expect(await reasonOf(verifyWebhookSignature({ body, headers, now: timestamp, ...key }))).toBe(
            "no_matching_signature",
          );
        },
      ),
      RUNS,
    );
  });

  it("rejects any other secret, and the same secret in the other key mode", async () => {
    await fc.assert(
      fc.asyncProperty(message, keyed, async ({ id, timestamp, body, key }, other) => {
        fc.pre(other.secret !== key.secret);
        const headers = await signWebhook({ id, timestamp, body, ...key });
        expect(await reasonOf(verifyWebhookSignature({ body, headers, now: timestamp, ...other }))).toBe(
          "no_matching_signature",
        );
        const otherMode = key.keyMode === "polar" ? "standard" : "polar";
        // A Polar secret may not be base64; then the standard mode refuses it as a secret.
        expect(["no_matching_signature", "invalid_secret"]).toContain(
          await reasonOf(verifyWebhookSignature({ body, headers, now: timestamp, ...key, keyMode: otherMode })),
        );
      }),
      RUNS,
    );
  });

  it("signs the same bytes to the same headers, as text or as bytes", async () => {
    await fc.assert(
      fc.asyncProperty(message, async ({ id, timestamp, body, key }) => {
        // Grapheme strings hold no lone surrogates, so their UTF-8 encoding is exact.
        fc.pre(typeof body === "string");
        const asText = await signWebhook({ id, timestamp, body, ...key });
        expect(await signWebhook({ id, timestamp, body: bytes(body), ...key })).toEqual(asText);
      }),
      RUNS,
    );
  });
});
