import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as webcrypto from "../src/webhooks";
import * as nodeCrypto from "../src/webhooks/node";

// The repo's verbatim copy of shared/spec (spec/README.md), so that a clean clone tests alone.
const VECTORS_PATH = resolve(import.meta.dirname, "../../../spec/standard-webhooks-vectors.json");

interface Signed {
  name: string;
  secret: string;
  msg_id: string;
  timestamp: number;
  payload: string;
  payload_base64?: string;
  signature: string;
}
interface Case {
  name: string;
  secret: string;
  payload: string;
  headers: Record<string, string>;
  now: number;
}
const vectors = JSON.parse(readFileSync(VECTORS_PATH, "utf8")) as {
  symmetric_v1_upstream: Signed[];
  asymmetric_v1a_upstream: Signed[];
  derived: {
    symmetric_v1_positive: Signed[];
    verification_cases: (Case & { expected: string })[];
    verification_cases_lenient_in_reference_js: { cases: (Case & { reference_js_result: string })[] };
    polar_key_derivation: (Signed & { signature_if_key_derived_the_standard_way?: string })[];
  };
};

// The vectors name `missing_headers`; our reason names the one header (`missing_header`).
const REASON: Record<string, string> = { missing_headers: "missing_header" };

const bytesOf = (v: Signed) => Uint8Array.from(atob(v.payload_base64 ?? ""), (c) => c.charCodeAt(0));
const headersOf = (v: Signed, signature = v.signature) => ({
  "webhook-id": v.msg_id,
  "webhook-timestamp": String(v.timestamp),
  "webhook-signature": signature,
});

async function outcome(run: Promise<unknown>): Promise<string> {
  try {
    await run;
    return "ok";
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
}

it("reads the vectors file this suite expects", () => {
  expect(vectors.symmetric_v1_upstream).toHaveLength(2);
  expect(vectors.derived.verification_cases).toHaveLength(24);
  expect(vectors.derived.verification_cases_lenient_in_reference_js.cases).toHaveLength(3);
  expect(vectors.derived.polar_key_derivation).toHaveLength(2);
});

describe.each([
  ["WebCrypto", webcrypto],
  ["node:crypto", nodeCrypto],
])("Standard Webhooks vectors (%s)", (_, { signWebhook, verifyWebhook, verifyWebhookSignature }) => {
  const standard = [...vectors.symmetric_v1_upstream, ...vectors.derived.symmetric_v1_positive];

  it.each(standard.map((v) => [v.name, v] as const))(
    "signs %s to the known answer (keyMode standard)",
    async (_, v) => {
      for (const body of [v.payload, bytesOf(v), bytesOf(v).buffer]) {
        const headers = await signWebhook({
          body,
          id: v.msg_id,
          timestamp: v.timestamp,
          secret: v.secret,
          keyMode: "standard",
        });
        expect(headers).toEqual(headersOf(v));
      }
    },
  );

  it.each(standard.map((v) => [v.name, v] as const))("verifies %s over its exact bytes", async (_, v) => {
    const options = { headers: headersOf(v), secret: v.secret, now: v.timestamp, keyMode: "standard" as const };
    await expect(verifyWebhookSignature({ ...options, body: v.payload })).resolves.toBeUndefined();
    await expect(verifyWebhookSignature({ ...options, body: bytesOf(v) })).resolves.toBeUndefined();
    // Our API wants a JSON event: the known-answer bodies without a `type` (and the empty body)
    // pass the signature and are then `invalid_body`; the others parse.
    const parsed = (() => {
      try {
        return JSON.parse(v.payload);
      } catch {
        return undefined;
      }
    })();
    const expected = typeof parsed?.type === "string" ? "ok" : "invalid_body";
    expect(await outcome(verifyWebhook({ ...options, body: v.payload }))).toBe(expected);
    if (expected === "ok") await expect(verifyWebhook({ ...options, body: v.payload })).resolves.toEqual(parsed);
  });

  it("fails every known answer when the key is derived the Polar way", async () => {
    for (const v of standard) {
      const run = verifyWebhookSignature({
        body: v.payload,
        headers: headersOf(v),
        secret: v.secret,
        now: v.timestamp,
      });
      expect(await outcome(run)).toBe("no_matching_signature");
    }
  });

  it("ignores v1a (Ed25519) entries instead of failing on them", async () => {
    for (const v of vectors.asymmetric_v1a_upstream) {
      const symmetric = vectors.symmetric_v1_upstream[0]!;
      const headers = headersOf(v, `${v.signature} ${symmetric.signature}`);
      const options = { body: v.payload, headers, now: v.timestamp, keyMode: "standard" as const };
      await expect(verifyWebhookSignature({ ...options, secret: symmetric.secret })).resolves.toBeUndefined();
      const alone = verifyWebhookSignature({ ...options, headers: headersOf(v), secret: symmetric.secret });
      expect(await outcome(alone)).toBe("no_matching_signature");
    }
  });

  it.each(vectors.derived.verification_cases.map((c) => [c.name, c] as const))(
    "fixed-clock case %s has the expected outcome",
    async (_, c) => {
      const run = verifyWebhookSignature({
        body: c.payload,
        headers: c.headers,
        secret: c.secret,
        now: c.now,
        keyMode: "standard",
      });
      expect(await outcome(run)).toBe(REASON[c.expected] ?? c.expected);
      // A Date clock is the same clock.
      const withDate = verifyWebhookSignature({
        body: c.payload,
        headers: new Headers(c.headers),
        secret: c.secret,
        now: new Date(c.now * 1000),
        keyMode: "standard",
      });
      expect(await outcome(withDate)).toBe(REASON[c.expected] ?? c.expected);
    },
  );

  it.each(vectors.derived.verification_cases_lenient_in_reference_js.cases.map((c) => [c.name, c] as const))(
    "rejects %s, which the reference library accepts",
    async (_, c) => {
      expect(c.reference_js_result).toBe("ok");
      const run = verifyWebhookSignature({
        body: c.payload,
        headers: c.headers,
        secret: c.secret,
        now: c.now,
        keyMode: "standard",
      });
      expect(await outcome(run)).toBe("invalid_timestamp");
    },
  );

  it.each(vectors.derived.polar_key_derivation.map((v) => [v.name, v] as const))(
    "derives the key the Polar way by default: %s",
    async (_, v) => {
      expect(await signWebhook({ body: v.payload, id: v.msg_id, timestamp: v.timestamp, secret: v.secret })).toEqual(
        headersOf(v),
      );
      const event = await verifyWebhook({
        body: bytesOf(v),
        headers: headersOf(v),
        secret: v.secret,
        now: v.timestamp,
      });
      expect(event).toEqual(JSON.parse(v.payload));
      expect(event.type).toBe("order.paid");
      if (v.signature_if_key_derived_the_standard_way) {
        const standardHeaders = headersOf(v, v.signature_if_key_derived_the_standard_way);
        const options = { body: v.payload, secret: v.secret, now: v.timestamp };
        await expect(verifyWebhook({ ...options, headers: standardHeaders, keyMode: "standard" })).resolves.toEqual(
          event,
        );
        expect(await outcome(verifyWebhook({ ...options, headers: standardHeaders }))).toBe("no_matching_signature");
        expect(await outcome(verifyWebhook({ ...options, headers: headersOf(v), keyMode: "standard" }))).toBe(
          "no_matching_signature",
        );
      }
    },
  );
});
