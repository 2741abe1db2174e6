// Every event's callbacks run exactly once, with the emulator as Polar (retries on, compressed)
// delivering to several receiver processes through a proxy that duplicates and reorders.
import { describe, expect, it } from "vitest";
import type { EngineKind } from "../src/engines.ts";
import { type ScenarioOptions, startScenario, summary } from "../src/scenario.ts";
import { ENDPOINTS, FAST_RETRIES, PROXY_FAULTS, SHARED_ENGINES } from "./presets.ts";

const traffic = {
  leaseMs: 2_000,
  endpoints: ENDPOINTS,
  polar: { retryDelaysMs: FAST_RETRIES, timeoutMs: 5_000 },
  proxy: PROXY_FAULTS,
  callbacks: { failOneIn: 8, maxCallbackMs: 15 },
} satisfies Partial<ScenarioOptions>;

const CHECKOUTS = 12;

describe.each<{ engine: EngineKind; instances: number }>([
  // Memory is per process: one instance, where the proxy's duplicates land on the same one.
  { engine: "memory", instances: 1 },
  ...SHARED_ENGINES.map((engine) => ({ engine, instances: 3 })),
])("$engine deduplicator, $instances instance(s)", ({ engine, instances }) => {
  it("runs every event's callbacks exactly once, and the emulator sees every event delivered", async () => {
    const scenario = await startScenario({ engine, instances, ...traffic });
    try {
      await scenario.polar.buy(CHECKOUTS);
      const results = await scenario.results();
      console.info(summary(engine, results));
      const { verdict, proxy, sender } = results;
      const count = (byStatus: Record<string, number>) => Object.values(byStatus).reduce((sum, n) => sum + n, 0);

      expect(verdict.events).toBeGreaterThanOrEqual(CHECKOUTS * ENDPOINTS * 5);
      expect(proxy.injectedDuplicates).toBeGreaterThan(0);
      // Every attempt of the emulator and every copy the proxy added reached an instance and was answered.
      expect(count(verdict.answers)).toBe(count(sender.attemptsByStatus) + proxy.injectedDuplicates);
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
