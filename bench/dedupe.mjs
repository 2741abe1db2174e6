// Webhook deliveries per second through ONE receiver instance (its own process, core's
// handleWebhook on node:http) with each deduplicator, next to the same route with
// `deduplicate: false`, in one run. Loopback only; Redis at 127.0.0.1:6379 and PostgreSQL at
// 127.0.0.1:5432 (database `test`), each run under its own key prefix / table, removed at the end.
// Run after `pnpm build`: `node bench/dedupe.mjs` (Node.js 22.18+: it loads the TypeScript
// receiver of packages/dedupe-tests as is).
import { loadavg } from "node:os";
import { signWebhook } from "@polar-kit/core/webhooks";
import { startInstance } from "../packages/dedupe-tests/src/instances.ts";
import { provisionStore } from "../packages/dedupe-tests/src/stores.ts";

const DURATION_MS = Number(process.env.DURATION_MS ?? 2000);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ENGINES = (process.env.ENGINES ?? "none,memory,redis,postgres,sqlite").split(",");
const SECRET = "whsec_bench_dedupe";
// The lease and retention an app would use: nothing expires during the run.
const TIMES = { leaseMs: 60_000 };

// A small order.paid delivery: the route's own cost and the store's round trips are what differ.
const body = JSON.stringify({
  type: "order.paid",
  timestamp: new Date().toISOString(),
  data: { id: "o_1", total_amount: 2500, pad: "x".repeat(1000) },
});

let sequence = 0;
/** A delivery never seen before: each one claims, runs the (empty) callback and completes. */
async function newDelivery() {
  const id = `msg_bench_${process.pid}_${++sequence}`;
  return { "content-type": "application/json", ...(await signWebhook({ body, secret: SECRET, id })) };
}

/** Closed loop: CONCURRENCY keep-alive loops, each sending its next delivery when the last is answered. */
async function load(url, durationMs) {
  const deadline = performance.now() + durationMs;
  const latencies = [];
  let failures = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const headers = await newDelivery();
      const start = performance.now();
      const response = await fetch(`${url}/webhooks`, { method: "POST", headers, body });
      const answer = await response.text();
      latencies.push(performance.now() - start);
      if (response.status !== 200 || answer.includes("duplicate")) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, loop));
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (latencies.length / durationMs) * 1000,
    p50: latencies[Math.floor(latencies.length / 2)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    failures,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const loadBefore = loadavg()[0];
const receivers = [];
try {
  for (const engine of ENGINES) {
    const store = await provisionStore(engine, TIMES);
    const instance = await startInstance({ instance: engine, secret: SECRET, engine: store.spec });
    receivers.push({ engine, store, instance, rounds: [] });
  }
  // Rounds interleave the engines, so that a slow moment of the shared machine is spread over all.
  for (let round = 0; round < ROUNDS; round++) {
    for (const receiver of receivers) {
      await load(receiver.instance.url, WARMUP_MS);
      receiver.rounds.push(await load(receiver.instance.url, DURATION_MS));
    }
  }
} finally {
  for (const { instance, store } of receivers) {
    await instance.stop();
    await store.remove();
  }
}

// "vs none" is the median of each round's ratio to the none row of the same round: on a shared
// machine the load drifts between rounds more than between neighbouring measurements.
const baseline = receivers.find((receiver) => receiver.engine === "none")?.rounds;
console.log(
  `Webhook deliveries/s through one receiver process, ${CONCURRENCY} concurrent senders, ` +
    `median of ${ROUNDS} interleaved ${DURATION_MS / 1000} s rounds, Node ${process.version}, ` +
    `load average ${loadBefore.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after\n`,
);
console.log("| deduplicator | deliveries/s | vs none | p50 ms | p99 ms | failed |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const { engine, rounds } of receivers) {
  const perSecond = median(rounds.map((r) => r.perSecond));
  const ratio = baseline && median(rounds.map((r, i) => r.perSecond / baseline[i].perSecond));
  const share = ratio ? `${(ratio * 100).toFixed(0)}%` : "";
  const failed = rounds.reduce((sum, r) => sum + r.failures, 0);
  console.log(
    `| ${engine === "none" ? "none (`deduplicate: false`)" : engine} | ${Math.round(perSecond)} | ${share} | ` +
      `${median(rounds.map((r) => r.p50)).toFixed(2)} | ${median(rounds.map((r) => r.p99)).toFixed(2)} | ${failed} |`,
  );
}
