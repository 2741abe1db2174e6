import { describe, expect, it } from "vitest";
import { memoryDeduplicator } from "./dedupe";

// A clock the test moves by hand.
function manualClock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe("memoryDeduplicator", () => {
  it("leases a claim, answers in_flight while it holds, done once completed", () => {
    const dedupe = memoryDeduplicator();
    expect(dedupe.claim("a")).toBe("claimed");
    expect(dedupe.claim("a")).toBe("in_flight");
    dedupe.complete("a");
    expect(dedupe.claim("a")).toBe("done");
    expect(dedupe.claim("b")).toBe("claimed");
  });

  it("lets the next attempt claim after a release, and never releases a completed id", () => {
    const dedupe = memoryDeduplicator();
    dedupe.claim("a");
    dedupe.release("a");
    expect(dedupe.claim("a")).toBe("claimed");
    dedupe.complete("a");
    dedupe.release("a");
    expect(dedupe.claim("a")).toBe("done");
  });

  it("lets another attempt take over a lease that expired (its holder died), and forgets after the retention", () => {
    const clock = manualClock();
    const dedupe = memoryDeduplicator({ leaseMs: 1_000, retentionMs: 60_000, now: clock.now });
    dedupe.claim("a");
    clock.advance(999);
    expect(dedupe.claim("a")).toBe("in_flight");
    clock.advance(1);
    expect(dedupe.claim("a")).toBe("claimed");
    dedupe.complete("a");
    clock.advance(59_999);
    expect(dedupe.claim("a")).toBe("done");
    clock.advance(1);
    expect(dedupe.claim("a")).toBe("claimed");
  });

  it("keeps only the most recently written maxEntries ids", () => {
    const dedupe = memoryDeduplicator({ maxEntries: 2 });
    for (const id of ["a", "b"]) {
      dedupe.claim(id);
      dedupe.complete(id);
    }
    dedupe.complete("a"); // rewritten: now newer than b
    dedupe.claim("c");
    expect(dedupe.claim("a")).toBe("done");
    expect(dedupe.claim("b")).toBe("claimed");
  });

  it("refuses times that are not positive whole milliseconds", () => {
    expect(() => memoryDeduplicator({ leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => memoryDeduplicator({ retentionMs: Number.NaN })).toThrow(/retentionMs/);
  });
});
