// Every event's callbacks run exactly once, with the emulator as Polar (retries on, compressed)
// delivering to several receiver processes through a proxy that duplicates and reorders.
import { describe, expect, it } from "vitest";
import { type ScenarioOptions, startScenario, summary } from "../src/scenario.ts";

const traffic = {
  leaseMs: 2_000,
  endpoints: 3,
  polar: { retryDelaysMs: [50, 100, 200, 400, 800, 800, 800, 800, 800], timeoutMs: 5_000 },
  proxy: { duplicateRate: 0.25, replayRate: 0.15, delayRate: 0.3, maxDelayMs: 30 },
  callbacks: { failOneIn: 8, maxCallbackMs: 15 },
} satisfies Partial<ScenarioOptions>;

const CHECKOUTS = 12;

describe.each([
  // Memory is per process: one instance, where the proxy's duplicates land on the same one.
  { engine: "memory", instances: 1 },
  { engine: "redis", instances: 3 },
] as const)("$engine deduplicator, $instances instance(s)", ({ engine, instances }) => {
  it("runs every event's callbacks exactly once, and the emulator sees every event delivered", async () => {
    const scenario = await startScenario({ engine, instances, ...traffic });
    try {
      await scenario.polar.buy(CHECKOUTS);
      const results = await scenario.results();
      console.info(summary(engine, results));
      const { verdict, proxy } = results;

      expect(verdict.events).toBeGreaterThanOrEqual(CHECKOUTS * traffic.endpoints * 5);
      expect(proxy.injectedDuplicates).toBeGreaterThan(0);
      expect(verdict.failedRuns).toBeGreaterThan(0);
      expect(verdict.lost).toEqual([]);
      expect(verdict.ranTwice).toEqual([]);
      expect(verdict.unhandledSuccesses).toEqual([]);
      expect(verdict.undelivered).toEqual([]);
      expect(verdict.strays).toEqual([]);
      expect(verdict.runs).toBe(verdict.events);
    } finally {
      await scenario.close();
    }
  });
});
