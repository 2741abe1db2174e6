// The checks of the other tests can fail: each control breaks one promise on purpose and expects
// the check that guards it to say so. A check that passes here is a check that cannot fail.
import { describe, expect, it } from "vitest";
import type { LogEntry } from "../src/run-log.ts";
import { startScenario, summary } from "../src/scenario.ts";
import { until } from "../src/wait.ts";
import { ENDPOINTS, FAST_RETRIES, PROXY_FAULTS } from "./presets.ts";

describe("negative controls", () => {
  it("with deduplicate: false, the exactly-once check finds events handled twice", async () => {
    const scenario = await startScenario({
      engine: "none",
      instances: 3,
      leaseMs: 1_000,
      endpoints: ENDPOINTS,
      polar: { retryDelaysMs: FAST_RETRIES, timeoutMs: 5_000 },
      proxy: PROXY_FAULTS,
      callbacks: { maxCallbackMs: 10 },
    });
    try {
      await scenario.polar.buy(4);
      const results = await scenario.results();
      console.info(summary("no deduplicator", results));
      expect(results.proxy.injectedDuplicates).toBeGreaterThan(0);
      expect(results.verdict.ranTwice).not.toEqual([]);
      expect(results.verdict.handledTwice).not.toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it("a deduplicator that takes a store error for 'done' is caught answering 2xx for events it did not handle", async () => {
    const scenario = await startScenario({
      engine: "redis",
      failOpen: true,
      instances: 3,
      leaseMs: 1_000,
      endpoints: ENDPOINTS,
      polar: { retryDelaysMs: FAST_RETRIES, timeoutMs: 5_000 },
      proxy: PROXY_FAULTS,
      cuttable: true,
    });
    try {
      const buying = scenario.polar.buy(4);
      scenario.link?.cut();
      await buying;
      await until(
        "a few events answered while the store is cut",
        () => scenario.log().filter((entry) => entry.kind === "answer").length >= 10,
      );
      scenario.link?.restore();
      const results = await scenario.results();
      console.info(summary("fail-open deduplicator, store cut", results));
      expect(results.verdict.unhandledSuccesses).not.toEqual([]);
      expect(results.verdict.lost).not.toEqual([]);
    } finally {
      await scenario.close();
    }
  });

  it("a lease that outlasts Polar's retries loses the killed holder's event, and the checks say so", async () => {
    const scenario = await startScenario({
      engine: "redis",
      instances: 3,
      leaseMs: 60_000,
      endpoints: ENDPOINTS,
      polar: { retryDelaysMs: Array(9).fill(20), timeoutMs: 10_000 },
      proxy: PROXY_FAULTS,
      callbacks: { hangType: "order.paid" },
    });
    try {
      const buying = scenario.polar.buy(2);
      const hung = await until("a callback to hang", () =>
        scenario.log().find((entry): entry is Extract<LogEntry, { kind: "begin" }> => entry.kind === "begin"),
      );
      await scenario.instances.find((instance) => instance.name === hung.instance)?.kill();
      await buying;
      const results = await scenario.results();
      console.info(summary("lease longer than the retries", results));
      expect(results.verdict.lost).toContain(hung.id);
      expect(results.verdict.undelivered).toContain(hung.id);
    } finally {
      await scenario.close();
    }
  });
});
