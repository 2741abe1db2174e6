import { describe, expect, it, vi } from "vitest";
import { PolarError } from "../src/errors";
import * as webcrypto from "../src/webhooks";
import * as nodeCrypto from "../src/webhooks/node";

const SECRET = "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK";
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const EVENT = { type: "order.paid", timestamp: "2026-01-01T00:00:00Z", data: { id: "o1", total_amount: 9720 } };
const BODY = JSON.stringify(EVENT);

async function failureOf(run: Promise<unknown>): Promise<{ reason?: string; message: string; name: string }> {
  try {
    await run;
  } catch (error) {
    return error as { reason?: string; message: string; name: string };
  }
  throw new Error("expected verification to fail");
}

describe.each([
  ["WebCrypto", webcrypto],
  ["node:crypto", nodeCrypto],
])("verifyWebhook (%s)", (_, api) => {
  const { signWebhook, verifyWebhook, verifyWebhookSignature, WebhookVerificationError } = api;
  const signed = (body: webcrypto.WebhookBody = BODY, secret = SECRET) =>
    signWebhook({ body, secret, id: "evt_1", timestamp: NOW });
  const reasonOf = async (run: Promise<unknown>) => (await failureOf(run)).reason;

  it("returns the parsed, typed event", async () => {
    const event = await verifyWebhook({ body: BODY, headers: await signed(), secret: SECRET, now: NOW });
    expect(event).toEqual(EVENT);
    if (event.type === "order.paid") expect(event.data.total_amount).toBe(9720);
  });

  it("throws a WebhookVerificationError that is a PolarError", async () => {
    const error = await failureOf(verifyWebhook({ body: BODY, headers: {}, secret: SECRET, now: NOW }));
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toBeInstanceOf(PolarError);
    expect(error).toMatchObject({
      name: "WebhookVerificationError",
      code: "webhook_verification_failed",
      reason: "missing_header",
    });
  });

  describe("headers", () => {
    it("reads Headers, records in any case, and Node-style arrays (first value)", async () => {
      const h = await signed();
      const shapes = [
        new Headers(h),
        h,
        {
          "Webhook-Id": h["webhook-id"],
          "WEBHOOK-TIMESTAMP": h["webhook-timestamp"],
          "wEbHoOk-SiGnAtUrE": h["webhook-signature"],
        },
        {
          "webhook-id": [h["webhook-id"], "evt_other"],
          "webhook-timestamp": [h["webhook-timestamp"]],
          "webhook-signature": [h["webhook-signature"], "v1,bogus"],
          "content-type": "application/json",
        },
      ];
      for (const headers of shapes)
        await expect(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW })).resolves.toEqual(EVENT);
    });

    it("takes the first of repeated values, not any of them", async () => {
      const h = await signed();
      const headers = { ...h, "webhook-signature": ["v1,bogus", h["webhook-signature"]] };
      expect(await reasonOf(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW }))).toBe(
        "no_matching_signature",
      );
    });

    it.each(["webhook-id", "webhook-timestamp", "webhook-signature"] as const)(
      "names a missing or empty %s",
      async (name) => {
        const h = await signed();
        for (const value of [undefined, "", []]) {
          const headers = { ...h, [name]: value };
          const error = await failureOf(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW }));
          expect(error.reason).toBe("missing_header");
          expect(error.message).toBe(`Missing ${name} header`);
          const fetchHeaders = new Headers(h);
          if (value === undefined) fetchHeaders.delete(name);
          else fetchHeaders.set(name, "");
          expect(await reasonOf(verifyWebhook({ body: BODY, headers: fetchHeaders, secret: SECRET, now: NOW }))).toBe(
            "missing_header",
          );
        }
      },
    );

    it("accepts one valid signature among several (rotation), whatever the order", async () => {
      const old = (await signed(BODY, "whsec_old-secret"))["webhook-signature"];
      const current = (await signed())["webhook-signature"];
      for (const signatures of [`${old} ${current}`, `${current} ${old}`, `v1a,abc ${old}  v2,x ${current}`]) {
        const headers = { ...(await signed()), "webhook-signature": signatures };
        await expect(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW })).resolves.toEqual(EVENT);
        await expect(verifyWebhook({ body: BODY, headers, secret: "whsec_old-secret", now: NOW })).resolves.toEqual(
          EVENT,
        );
      }
      const headers = { ...(await signed()), "webhook-signature": `${old} v1, v1 v2,${current.slice(3)}` };
      expect(await reasonOf(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW }))).toBe(
        "no_matching_signature",
      );
    });
  });

  describe("timestamp", () => {
    it.each([
      "+1767225600",
      "1767225600abc",
      " 1767225600",
      "1767225600 ",
      "1767225600\n",
      "1767225600.5",
      "-1",
      "1e9",
      "0x10",
      "",
      "１２３",
    ])("rejects %j as invalid_timestamp", async (timestamp) => {
      const headers = { ...(await signed()), "webhook-timestamp": timestamp };
      const expected = timestamp === "" ? "missing_header" : "invalid_timestamp";
      expect(await reasonOf(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW }))).toBe(expected);
    });

    it("is inclusive at ±toleranceSeconds, at whole seconds, with now in seconds or as a Date", async () => {
      const headers = await signed();
      const at = (now: number | Date, toleranceSeconds?: number) =>
        verifyWebhookSignature({ body: BODY, headers, secret: SECRET, now, toleranceSeconds }).then(
          () => "ok",
          (error) => error.reason,
        );
      expect(await at(NOW + 300)).toBe("ok");
      expect(await at(NOW + 300.999)).toBe("ok");
      expect(await at(NOW + 301)).toBe("timestamp_too_old");
      expect(await at(NOW - 300)).toBe("ok");
      expect(await at(NOW - 301)).toBe("timestamp_too_new");
      expect(await at(new Date((NOW + 301) * 1000))).toBe("timestamp_too_old");
      expect(await at(new Date((NOW - 300) * 1000))).toBe("ok");
      expect(await at(NOW + 11, 10)).toBe("timestamp_too_old");
      expect(await at(NOW - 10, 10)).toBe("ok");
      expect(await at(NOW + 10 ** 9, Number.POSITIVE_INFINITY)).toBe("ok");
    });

    it("checks the clock against the system time by default", async () => {
      const fresh = await signWebhook({ body: BODY, secret: SECRET });
      await expect(verifyWebhook({ body: BODY, headers: fresh, secret: SECRET })).resolves.toEqual(EVENT);
      const old = await signWebhook({ body: BODY, secret: SECRET, timestamp: new Date(Date.now() - 600_000) });
      expect(await reasonOf(verifyWebhook({ body: BODY, headers: old, secret: SECRET }))).toBe("timestamp_too_old");
    });

    it("says how far off the timestamp is", async () => {
      const headers = await signed();
      expect((await failureOf(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW + 400 }))).message).toBe(
        "webhook-timestamp is 400 s old",
      );
      expect((await failureOf(verifyWebhook({ body: BODY, headers, secret: SECRET, now: NOW - 400 }))).message).toBe(
        "webhook-timestamp is 400 s ahead",
      );
    });
  });

  describe("body", () => {
    it("accepts the body as a string, Uint8Array, Buffer, ArrayBuffer or a view into a larger buffer", async () => {
      const bytes = new TextEncoder().encode(BODY);
      const padded = new Uint8Array(bytes.length + 8);
      padded.set(bytes, 4);
      const bodies = [BODY, bytes, Buffer.from(BODY), bytes.buffer, padded.subarray(4, 4 + bytes.length)];
      for (const body of bodies) {
        const headers = await signed();
        await expect(verifyWebhook({ body, headers, secret: SECRET, now: NOW })).resolves.toEqual(EVENT);
        // Signing accepts the same shapes, with the same result.
        expect(await signed(body)).toEqual(headers);
      }
    });

    it("signs and verifies the exact bytes, even when they are not valid UTF-8", async () => {
      const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]);
      const headers = await signed(bytes);
      await expect(verifyWebhookSignature({ body: bytes, headers, secret: SECRET, now: NOW })).resolves.toBeUndefined();
      // Decoding and re-encoding (U+FFFD) would change the bytes and so the signature.
      const reencoded = new TextDecoder().decode(bytes);
      expect(await reasonOf(verifyWebhookSignature({ body: reencoded, headers, secret: SECRET, now: NOW }))).toBe(
        "no_matching_signature",
      );
      // The signature is right, but the body is not a JSON event.
      expect(await reasonOf(verifyWebhook({ body: bytes, headers, secret: SECRET, now: NOW }))).toBe("invalid_body");
    });

    it("signs multibyte text as UTF-8, whether given as a string or as bytes", async () => {
      const body = JSON.stringify({ type: "customer.updated", data: { name: "Zoë 😊 日本" } });
      const headers = await signed(body);
      expect(await signed(new TextEncoder().encode(body))).toEqual(headers);
      await expect(verifyWebhook({ body, headers, secret: SECRET, now: NOW })).resolves.toEqual(JSON.parse(body));
    });

    it.each([
      ["not JSON", "hello"],
      ["empty", ""],
      ["an array", "[]"],
      ["a string", '"order.paid"'],
      ["a number", "42"],
      ["null", "null"],
      ["an object without type", '{"data":{}}'],
      ["an object with a non-string type", '{"type":7,"data":{}}'],
    ])("rejects a correctly signed body that is %s as invalid_body", async (_, body) => {
      const headers = await signed(body);
      await expect(verifyWebhookSignature({ body, headers, secret: SECRET, now: NOW })).resolves.toBeUndefined();
      expect(await reasonOf(verifyWebhook({ body, headers, secret: SECRET, now: NOW }))).toBe("invalid_body");
    });

    it("rejects bodies over maxBodyBytes before hashing, counting UTF-8 bytes", async () => {
      const headers = { ...(await signed()), "webhook-signature": "v1,not-even-checked" };
      const verifyBody = (body: webcrypto.WebhookBody, maxBodyBytes?: number) =>
        reasonOf(verifyWebhookSignature({ body, headers, secret: SECRET, now: NOW, maxBodyBytes }));
      const mib = 1024 * 1024;
      expect(await verifyBody("x".repeat(mib + 1))).toBe("body_too_large");
      expect(await verifyBody(new Uint8Array(mib + 1))).toBe("body_too_large");
      expect(await verifyBody(new ArrayBuffer(mib + 1))).toBe("body_too_large");
      expect(await verifyBody("x".repeat(mib))).toBe("no_matching_signature");
      // 400 characters, 1200 bytes: over a 1000-byte limit although shorter in characters.
      expect(await verifyBody("日".repeat(400), 1000)).toBe("body_too_large");
      expect(await verifyBody("日".repeat(333), 1000)).toBe("no_matching_signature");
      expect(await verifyBody("x".repeat(1000), 1000)).toBe("no_matching_signature");
      // At exactly the limit a correctly signed body passes.
      const body = `{"type":"x","pad":"${"y".repeat(100)}"}`;
      const limit = new TextEncoder().encode(body).length;
      const exact = await signed(body);
      await expect(
        verifyWebhook({ body, headers: exact, secret: SECRET, now: NOW, maxBodyBytes: limit }),
      ).resolves.toMatchObject({ type: "x" });
      expect(
        await reasonOf(verifyWebhook({ body, headers: exact, secret: SECRET, now: NOW, maxBodyBytes: limit - 1 })),
      ).toBe("body_too_large");
    });

    it("refuses a parsed body with a TypeError that says why", async () => {
      const headers = await signed();
      const error = await failureOf(verifyWebhook({ body: EVENT as never, headers, secret: SECRET, now: NOW }));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toMatch(/raw text or bytes, not parsed JSON/);
    });
  });

  describe("events", () => {
    it("returns an event of a type this version does not know, instead of throwing", async () => {
      const future = { type: "invoice.finalized", timestamp: "2027-01-01T00:00:00Z", data: { id: "i1" } };
      const body = JSON.stringify(future);
      const event = await verifyWebhook({ body, headers: await signed(body), secret: SECRET, now: NOW });
      expect(event).toEqual(future);
      expect(api.isKnownWebhookEvent(event)).toBe(false);
      expect(String(event.type)).toBe("invoice.finalized");
    });

    it("tells documented events from unknown ones", async () => {
      const event = await verifyWebhook({ body: BODY, headers: await signed(), secret: SECRET, now: NOW });
      expect(api.isKnownWebhookEvent(event)).toBe(true);
      expect(api.isKnownWebhookEvent({ type: "toString" } as never)).toBe(false);
    });
  });

  describe("secret", () => {
    it.each([
      ["empty", "", "polar"],
      ["only the prefix", "whsec_", "polar"],
      ["a trailing newline", `${SECRET}\n`, "polar"],
      ["a leading space", ` ${SECRET}`, "polar"],
      ["empty (standard)", "whsec_", "standard"],
      ["not base64 (standard)", "whsec_not*base64!", "standard"],
      ["impossible base64 length (standard)", "whsec_abcde", "standard"],
    ] as const)(
      "rejects a secret that is %s as invalid_secret, before looking at the request",
      async (_, secret, keyMode) => {
        const error = await failureOf(verifyWebhook({ body: BODY, headers: {}, secret, keyMode, now: NOW }));
        expect(error).toBeInstanceOf(WebhookVerificationError);
        expect(error.reason).toBe("invalid_secret");
        await expect(signWebhook({ body: BODY, secret, keyMode })).rejects.toMatchObject({ reason: "invalid_secret" });
      },
    );

    it("accepts unpadded base64 and an optional whsec_ prefix in standard mode", async () => {
      const padded = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAQ=="; // 25 bytes: padding needed
      const headers = await signWebhook({ body: BODY, secret: padded, keyMode: "standard", id: "e", timestamp: NOW });
      for (const secret of [padded, padded.slice(6), padded.replace(/=+$/, ""), padded.slice(6).replace(/=+$/, "")]) {
        await expect(verifyWebhook({ body: BODY, headers, secret, keyMode: "standard", now: NOW })).resolves.toEqual(
          EVENT,
        );
      }
    });

    it("never puts the secret in an error message", async () => {
      const secrets = [
        "whsec_ZZZdistinctiveSecretValueZZZ",
        " whsec_ZZZdistinctiveSecretValueZZZ",
        "whsec_ZZZdistinctive*SecretValueZZZ",
      ];
      const headers = await signed();
      const runs = secrets.flatMap((secret) =>
        (["polar", "standard"] as const).flatMap((keyMode) => [
          () => verifyWebhook({ body: BODY, headers, secret, keyMode, now: NOW }),
          () => verifyWebhook({ body: BODY, headers, secret, keyMode, now: NOW + 1000 }),
          () => verifyWebhook({ body: BODY, headers: {}, secret, keyMode, now: NOW }),
          () => verifyWebhook({ body: "{}", headers, secret, keyMode, now: NOW }),
        ]),
      );
      for (const run of runs) {
        const error = await failureOf(run());
        const shown = `${error.message} ${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
        expect(shown).not.toMatch(/distinctive/);
      }
    });
  });

  describe("signWebhook", () => {
    it("defaults to a random UUID id and the current time", async () => {
      const headers = await signWebhook({ body: BODY, secret: SECRET });
      expect(headers["webhook-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);
      expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect((await signWebhook({ body: BODY, secret: SECRET }))["webhook-id"]).not.toBe(headers["webhook-id"]);
    });

    it("takes the time as a Date or as seconds, truncated to whole seconds", async () => {
      const fromDate = await signWebhook({
        body: BODY,
        secret: SECRET,
        id: "e",
        timestamp: new Date(NOW * 1000 + 999),
      });
      const fromSeconds = await signWebhook({ body: BODY, secret: SECRET, id: "e", timestamp: NOW + 0.5 });
      expect(fromDate).toEqual(fromSeconds);
      expect(fromDate["webhook-timestamp"]).toBe(String(NOW));
    });

    it("refuses an id the signed content could not delimit, and a time before 1970", async () => {
      await expect(signWebhook({ body: BODY, secret: SECRET, id: "a.b" })).rejects.toThrow(TypeError);
      await expect(signWebhook({ body: BODY, secret: SECRET, id: "" })).rejects.toThrow(TypeError);
      await expect(signWebhook({ body: BODY, secret: SECRET, timestamp: -1 })).rejects.toThrow(TypeError);
      await expect(signWebhook({ body: BODY, secret: SECRET, timestamp: Number.NaN })).rejects.toThrow(TypeError);
    });
  });
});

it("signs identically with WebCrypto and node:crypto", async () => {
  for (const keyMode of ["polar", "standard"] as const) {
    for (const body of [BODY, "", new Uint8Array([0, 255, 128])]) {
      const options = { body, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id: "evt", timestamp: NOW, keyMode };
      expect(await nodeCrypto.signWebhook(options)).toEqual(await webcrypto.signWebhook(options));
    }
  }
});

it("imports each WebCrypto key once per secret and key mode", async () => {
  const importKey = vi.spyOn(crypto.subtle, "importKey");
  try {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwOnce";
    for (let i = 0; i < 5; i++) {
      for (const keyMode of ["polar", "standard"] as const) {
        const headers = await webcrypto.signWebhook({ body: BODY, secret, keyMode, timestamp: NOW });
        await webcrypto.verifyWebhook({ body: BODY, headers, secret, keyMode, now: NOW });
      }
    }
    expect(importKey).toHaveBeenCalledTimes(2);
  } finally {
    importKey.mockRestore();
  }
});
