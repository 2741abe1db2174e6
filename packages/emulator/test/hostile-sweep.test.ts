import { expect, it } from "vitest";
import { uuid } from "../src/ids";
import { insertProduct } from "../src/resources/commerce/testing";
import { DUE_QUERY } from "../src/store";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();
const HISTORY = 10_000;

/** The median time of the clock sweep (advancing by nothing runs one, as the timer does). */
function sweepMs(): number {
  const times = Array.from({ length: 7 }, () => {
    const started = performance.now();
    emu.advanceClock(0);
    return performance.now() - started;
  }).sort((a, b) => a - b);
  return times[3] as number;
}

it("sweeps only what is due: its cost does not grow with finished checkouts and subscriptions", async () => {
  const product = insertProduct(emu, { name: "Sweep", prices: [{ type: "fixed", amount: 500 }] });
  const created = await call(emu, "POST", "/v1/checkouts/", { body: { products: [product.id] } });
  expect(created.status).toBe(201);
  const empty = sweepMs();

  // History: finished checkouts and subscriptions, which no sweep has anything to do with.
  const { store, db } = emu.state;
  db.transaction(() => {
    for (let i = 0; i < HISTORY; i++) {
      store.insert("checkout", { ...created.body, id: uuid(), status: i % 2 ? "expired" : "succeeded" });
      store.insert("subscription", {
        id: uuid(),
        organization_id: emu.organizationId,
        status: "canceled",
        current_period_end: "2020-01-01T00:00:00+00:00",
        created_at: "2020-01-01T00:00:00+00:00",
      });
    }
  });
  const full = sweepMs();
  console.info(`[hostile-sweep] sweep ${empty.toFixed(2)} ms empty, ${full.toFixed(2)} ms after ${HISTORY} of each`);
  // The claim, checked without a clock: SQLite finds what is due through the partial due_at index
  // (a SEARCH) instead of reading every row of the kind (a SCAN). The times above are only logged.
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${DUE_QUERY}`).all("checkout", 0) as { detail: string }[];
  expect(plan.map((step) => step.detail)).toContainEqual(
    expect.stringMatching(/^SEARCH resources USING INDEX resources_due/),
  );

  // What is due is still swept: the open checkout expires once its 24 hours are over.
  emu.advanceClock(25 * 60 * 60 * 1000);
  const after = await call(emu, "GET", `/v1/checkouts/${created.body.id}`);
  expect(after.body.status).toBe("expired");
});
