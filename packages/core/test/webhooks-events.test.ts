import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import * as root from "../src/index";
import * as webEntry from "../src/webhooks";
import { isKnownWebhookEvent, WEBHOOK_EVENT_TYPES } from "../src/webhooks";
import * as nodeEntry from "../src/webhooks/node";

const spec = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../spec/polar-openapi.json"), "utf8")) as {
  webhooks: Record<string, unknown>;
};

describe("webhook event types", () => {
  it("lists exactly the spec's webhooks, in the spec's order", () => {
    expect(WEBHOOK_EVENT_TYPES).toEqual(Object.keys(spec.webhooks));
    expect(WEBHOOK_EVENT_TYPES).toHaveLength(41);
  });

  it("cannot be changed at run time", () => {
    expect(Object.isFrozen(WEBHOOK_EVENT_TYPES)).toBe(true);
  });

  it("knows every listed type and nothing else, not even Object.prototype keys", () => {
    for (const type of WEBHOOK_EVENT_TYPES)
      expect(isKnownWebhookEvent({ type, timestamp: "", data: {} } as never)).toBe(true);
    const nearMisses = ["order.paid.x", "xorder.paid", "order.paidx", "order", "ORDER.PAID", "order.paid\n"];
    for (const type of ["order.shipped", "", "constructor", "__proto__", "hasOwnProperty", ...nearMisses]) {
      expect(isKnownWebhookEvent({ type } as never)).toBe(false);
    }
  });

  it("is the same API from the package root, ./webhooks and its node build", () => {
    for (const api of [root, nodeEntry]) {
      expect(api.WEBHOOK_EVENT_TYPES).toBe(WEBHOOK_EVENT_TYPES);
      expect(api.isKnownWebhookEvent).toBe(isKnownWebhookEvent);
    }
    expect(nodeEntry.WebhookVerificationError).toBe(root.WebhookVerificationError);
    // The root re-exports every name of ./webhooks; the node build has exactly those names.
    expect(Object.keys(nodeEntry).sort()).toEqual(Object.keys(webEntry).sort());
    for (const name of Object.keys(webEntry)) expect(root).toHaveProperty(name);
  });
});
