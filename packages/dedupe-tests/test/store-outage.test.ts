// The deduplicator's store going away mid-run (a TCP link cut in front of Redis / PostgreSQL):
// the route answers 5xx, never 2xx for an event it did not handle, and recovers once the store is
// back; in the end every event was handled, and acknowledged to Polar once.
import { describe, expect, it } from "vitest";
import { startScenario, summary } from "../src/scenario.ts";
import { until } from "../src/wait.ts";
import { ENDPOINTS, FAULT_RETRIES, NETWORKED_ENGINES, PROXY_FAULTS } from "./presets.ts";

const is2xx = (answer: number | "none") => answer !== "none" && answer >= 200 && answer < 300;

describe.each(NETWORKED_ENGINES)("%s deduplicator, 3 instances", (engine) => {
  it("answers 5xx while the store is cut, then recovers: every event handled, none acknowledged twice", async () => {
    const scenario = await startScenario({
      engine,
      instances: 3,
      leaseMs: 1_000,
      endpoints: ENDPOINTS,
      polar: { retryDelaysMs: FAULT_RETRIES, timeoutMs: 5_000 },
      proxy: PROXY_FAULTS,
      callbacks: { maxCallbackMs: 10 },
      cuttable: true,
    });
    try {
      const buying = scenario.polar.buy(10);
      const answers = () => scenario.log().filter((entry) => entry.kind === "answer");
      await until("deliveries before the cut", () => answers().length >= 40);
      scenario.link?.cut();
      const before = answers().length;
      // Outcomes, not time: the store stays cut until the instances have refused several attempts.
      await until(
        "5xx answers while the store is cut",
        () =>
          answers()
            .slice(before)
            .filter((answer) => answer.status >= 500).length >= 6,
      );
      scenario.link?.restore();
      await buying;
      const results = await scenario.results();
      console.info(summary(`${engine}, store cut and restored`, results));
      const { verdict } = results;

      expect(verdict.unhandledSuccesses).toEqual([]);
      expect(verdict.lost).toEqual([]);
      expect(verdict.undelivered).toEqual([]);
      expect(verdict.handledTwice).toEqual([]);
      expect(verdict.strays).toEqual([]);
      // A second run is only allowed where the first attempt ran the callbacks and then could not
      // record them as done (the store went away in between), so answered 5xx: at-least-once.
      for (const extra of verdict.ranTwice) {
        expect(extra.attempts.filter(({ answer }) => is2xx(answer))).toHaveLength(1);
        expect(extra.attempts.every(({ answer }) => is2xx(answer) || (answer !== "none" && answer >= 500))).toBe(true);
      }
    } finally {
      await scenario.close();
    }
  });
});
