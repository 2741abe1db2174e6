import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { memoryLogger } from "../../test/fake-polar";
import { signWebhook, WEBHOOK_EVENT_TYPES, type WebhookEventOf } from "../webhooks";
import { memoryDeduplicator } from "./dedupe";
import { entitlements } from "./entitlements";
import { handleWebhook, type WebhookConfig, type WebhookHandlers, webhookHandlerName } from "./webhook";

const SECRET = "whsec_polar_kit_handler_test";
const APP = "https://shop.example/api/webhooks/polar";

let nextId = 0;
async function delivery(
  payload: unknown,
  { secret = SECRET, id = `msg_${++nextId}`, timestamp = Math.floor(Date.now() / 1000), tamper = false } = {},
) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const headers = await signWebhook({ id, timestamp, body, secret });
  return new Request(APP, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: tamper ? body.replace("o_1", "o_2") : body,
  });
}

const orderPaid = {
  type: "order.paid",
  timestamp: "2026-11-28T10:00:00.000000Z",
  data: { id: "o_1", total_amount: 2500, customer_id: "c_1", status: "paid" },
};
const config = (extra: Partial<WebhookConfig> = {}): WebhookConfig => ({
  webhookSecret: SECRET,
  logger: memoryLogger(),
  deduplicate: memoryDeduplicator(),
  ...extra,
});

describe("handleWebhook", () => {
  it("verifies and dispatches to onPayload and the typed handler", async () => {
    const calls: string[] = [];
    const response = await handleWebhook(
      await delivery(orderPaid),
      config({
        onPayload: (event) => {
          calls.push(`payload ${event.type}`);
        },
        onOrderPaid: (event) => {
          calls.push(`paid ${event.data.id} ${event.data.total_amount}`);
        },
        onOrderCreated: () => {
          calls.push("wrong handler");
        },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    expect(calls).toEqual(["payload order.paid", "paid o_1 2500"]);
  });

  it("refuses a tampered, expired or wrongly signed delivery with 403 and logs why", async () => {
    const logger = memoryLogger();
    let ran = false;
    const cfg = config({
      logger,
      onPayload: () => {
        ran = true;
      },
    });
    const old = Math.floor(Date.now() / 1000) - 3600;
    for (const request of [
      await delivery(orderPaid, { tamper: true }),
      await delivery(orderPaid, { timestamp: old }),
      await delivery(orderPaid, { secret: "whsec_someone_else" }),
    ]) {
      const response = await handleWebhook(request, cfg);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: "webhook_verification_failed",
        detail: "Invalid webhook signature",
      });
    }
    expect(ran).toBe(false);
    expect(logger.lines.join("\n")).toMatch(
      /no_matching_signature[\s\S]*timestamp_too_old[\s\S]*no_matching_signature/,
    );
    expect(logger.lines.join("\n")).not.toContain(SECRET);
  });

  it("refuses a delivery without signature headers", async () => {
    const request = new Request(APP, { method: "POST", body: JSON.stringify(orderPaid) });
    expect((await handleWebhook(request, config())).status).toBe(403);
  });

  it("answers 202 for an event type it does not know, without throwing", async () => {
    const seen: string[] = [];
    const response = await handleWebhook(
      await delivery({ type: "invoice.sent_to_moon", timestamp: orderPaid.timestamp, data: {} }),
      config({ onUnknownEvent: (event) => void seen.push(String(event.type)), onPayload: () => void seen.push("x") }),
    );
    expect(response.status).toBe(202);
    expect(seen).toEqual(["invoice.sent_to_moon"]);
  });

  it("answers 500 when a handler throws, without the error in the body, so Polar retries", async () => {
    const logger = memoryLogger();
    const response = await handleWebhook(
      await delivery(orderPaid),
      config({
        logger,
        onOrderPaid: () => {
          throw new Error("database down at db.internal:5432");
        },
      }),
    );
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: "handler_failed", detail: "Internal error" });
    expect(text).not.toContain("db.internal");
    expect(logger.lines.join("\n")).toContain("order.paid");
  });

  it("runs handlers once for a redelivered event, and again after a failed attempt", async () => {
    const cfgRuns: string[] = [];
    let fail = true;
    const cfg = config({
      onOrderPaid: (event) => {
        cfgRuns.push(event.data.id);
        if (fail) throw new Error("transient");
      },
    });
    const first = await handleWebhook(await delivery(orderPaid, { id: "msg_dup" }), cfg);
    expect(first.status).toBe(500);
    fail = false;
    const retry = await handleWebhook(await delivery(orderPaid, { id: "msg_dup" }), cfg);
    expect(retry.status).toBe(200);
    const duplicate = await handleWebhook(await delivery(orderPaid, { id: "msg_dup" }), cfg);
    expect(duplicate.status).toBe(200);
    expect(await duplicate.json()).toEqual({ received: true, duplicate: true });
    expect(cfgRuns).toEqual(["o_1", "o_1"]);

    const noDedupe = config({ deduplicate: false, onOrderPaid: (event) => void cfgRuns.push(event.data.id) });
    await handleWebhook(await delivery(orderPaid, { id: "msg_again" }), noDedupe);
    await handleWebhook(await delivery(orderPaid, { id: "msg_again" }), noDedupe);
    expect(cfgRuns).toHaveLength(4);
  });

  it("answers an attempt that arrives while the first is still running with 409, so Polar keeps retrying", async () => {
    // The bug this guards against: a retry during a slow first attempt got 200 {duplicate}, Polar
    // marked the event delivered, then the first attempt failed and the event was never handled.
    let finishFirst: (outcome: "fail" | "succeed") => void = () => {};
    const runs: string[] = [];
    const cfg = config({
      onOrderPaid: async (event) => {
        runs.push(event.data.id);
        if (runs.length === 1) {
          const outcome = await new Promise<"fail" | "succeed">((resolve) => (finishFirst = resolve));
          if (outcome === "fail") throw new Error("slow and failing");
        }
      },
    });
    const first = handleWebhook(await delivery(orderPaid, { id: "msg_slow" }), cfg);
    await vi.waitFor(() => expect(runs).toHaveLength(1));

    const during = await handleWebhook(await delivery(orderPaid, { id: "msg_slow" }), cfg);
    expect(during.status).toBe(409);
    expect(during.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(await during.json()).toMatchObject({ error: "webhook_in_flight" });

    finishFirst("fail");
    expect((await first).status).toBe(500);
    const retry = await handleWebhook(await delivery(orderPaid, { id: "msg_slow" }), cfg);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ received: true });
    expect(runs).toEqual(["o_1", "o_1"]);
  });

  it("answers 500 (so Polar retries) when the deduplicator's store fails, and runs nothing", async () => {
    const runs: string[] = [];
    const logger = memoryLogger();
    const storeDown = {
      claim: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")),
      complete: () => {},
      release: () => {},
    };
    const response = await handleWebhook(
      await delivery(orderPaid),
      config({ logger, deduplicate: storeDown, onOrderPaid: (event) => void runs.push(event.data.id) }),
    );
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("ECONNREFUSED");
    expect(runs).toEqual([]);
  });

  it("gives the lease back when complete fails, so the retry runs the callbacks again", async () => {
    const inner = memoryDeduplicator();
    let completeFails = true;
    const flaky = {
      claim: (id: string) => inner.claim(id),
      complete: (id: string) => (completeFails ? Promise.reject(new Error("store went away")) : inner.complete(id)),
      release: (id: string) => inner.release(id),
    };
    const runs: string[] = [];
    const cfg = config({ deduplicate: flaky, onOrderPaid: (event) => void runs.push(event.data.id) });
    expect((await handleWebhook(await delivery(orderPaid, { id: "msg_flaky" }), cfg)).status).toBe(500);
    completeFails = false;
    expect((await handleWebhook(await delivery(orderPaid, { id: "msg_flaky" }), cfg)).status).toBe(200);
    expect(runs).toEqual(["o_1", "o_1"]);
  });

  it("limits the body size before verifying", async () => {
    const big = { ...orderPaid, data: { ...orderPaid.data, note: "x".repeat(4096) } };
    const response = await handleWebhook(await delivery(big), config({ maxBodyBytes: 1024 }));
    expect(response.status).toBe(413);
  });

  it("verifies the exact bytes: a body that is not JSON is refused after verification", async () => {
    const response = await handleWebhook(await delivery("not json at all"), config());
    expect(response.status).toBe(403);
  });

  it("refuses other methods and answers 500 without a secret configured", async () => {
    const get = await handleWebhook(new Request(APP), config());
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const logger = memoryLogger();
    const unset = await handleWebhook(await delivery(orderPaid), { logger }, { env: {} });
    expect(unset.status).toBe(500);
    expect(logger.lines.join("\n")).toContain("POLAR_WEBHOOK_SECRET");
  });

  it("answers 500, not 403, when the configured secret itself is unusable", async () => {
    const logger = memoryLogger();
    const response = await handleWebhook(
      await delivery(orderPaid),
      config({ webhookSecret: " whsec_padded ", logger }),
    );
    expect(response.status).toBe(500);
    expect((await response.json()).error).toBe("server_misconfigured");
    expect(logger.lines.join("\n")).not.toContain("whsec_padded");
  });

  it("takes the secret from env and a context for callbacks", async () => {
    const context = { platform: "edge" };
    let seen: unknown;
    const response = await handleWebhook(
      await delivery(orderPaid),
      (ctx: typeof context) => ({
        logger: memoryLogger(),
        onOrderPaid: (_event, c) => {
          seen = c ?? ctx;
        },
      }),
      { env: { POLAR_WEBHOOK_SECRET: SECRET }, context },
    );
    expect(response.status).toBe(200);
    expect(seen).toBe(context);
  });
});

describe("the verifier an adapter passes", () => {
  it("verifies with it (the node:crypto build on Node.js), with the same answers", async () => {
    const { webhookHmac } = await import("../webhooks/node");
    let used = 0;
    const hmac: typeof webhookHmac = {
      ...webhookHmac,
      sign: (...args) => {
        used += 1;
        return webhookHmac.sign(...args);
      },
    };
    const handled: string[] = [];
    const ok = await handleWebhook(
      await delivery(orderPaid),
      config({ onOrderPaid: (event) => void handled.push(event.data.id) }),
      { hmac },
    );
    expect(ok.status).toBe(200);
    expect(handled).toEqual(["o_1"]);
    const tampered = await handleWebhook(await delivery(orderPaid, { tamper: true }), config(), { hmac });
    expect(tampered.status).toBe(403);
    expect(used).toBe(2);
  });
});

describe("entitlements", () => {
  const grant = (type: string, extra: Record<string, unknown> = {}) => ({
    id: "g_1",
    benefit_id: "b_pro",
    customer_id: "c_1",
    is_granted: true,
    is_revoked: false,
    benefit: { id: "b_pro", type },
    properties: {},
    ...extra,
  });
  const event = (type: string, data: unknown) => ({ type, timestamp: orderPaid.timestamp, data });

  it("grants and revokes by benefit type and by benefit id", async () => {
    const log: string[] = [];
    const cfg = config({
      onPayload: entitlements({
        byType: {
          license_keys: { grant: (g) => void log.push(`key+ ${g.customer_id}`), revoke: () => void log.push("key-") },
        },
        byBenefitId: { b_pro: { grant: () => void log.push("pro+"), revoke: () => void log.push("pro-") } },
      }),
    });
    for (const [type, data] of [
      ["benefit_grant.created", grant("license_keys")],
      ["benefit_grant.cycled", grant("license_keys")],
      ["benefit_grant.updated", grant("license_keys", { is_granted: false, is_revoked: true })],
      ["benefit_grant.revoked", grant("license_keys", { is_granted: false, is_revoked: true })],
      ["benefit_grant.created", grant("custom", { benefit_id: "b_other", benefit: { id: "b_other", type: "custom" } })],
    ] as const) {
      expect((await handleWebhook(await delivery(event(type, data)), cfg)).status).toBe(200);
    }
    expect(log).toEqual(["pro+", "key+ c_1", "pro+", "key+ c_1", "pro-", "key-", "pro-", "key-"]);
  });
});

describe("webhook handler names", () => {
  it("derives one distinct name per event type", () => {
    const names = WEBHOOK_EVENT_TYPES.map(webhookHandlerName);
    expect(new Set(names).size).toBe(41);
    expect(names).toContain("onOrderPaid");
    expect(names).toContain("onSubscriptionPastDue");
    expect(names).toContain("onCustomerSeatAssigned");
    expect(names).toContain("onBenefitGrantCycled");
    expect(names).toContain("onCustomerStateChanged");
  });

  it("types each handler with its event", () => {
    expectTypeOf<Parameters<NonNullable<WebhookHandlers["onOrderPaid"]>>[0]>().toEqualTypeOf<
      WebhookEventOf<"order.paid">
    >();
    expectTypeOf<Parameters<NonNullable<WebhookHandlers["onSubscriptionPastDue"]>>[0]>().toEqualTypeOf<
      WebhookEventOf<"subscription.past_due">
    >();
    expectTypeOf<keyof WebhookHandlers>().toEqualTypeOf<`on${string}` & keyof WebhookHandlers>();
  });
});
