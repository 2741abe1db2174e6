// Usage billing in the emulator: events ingested per second through `POST /v1/events/ingest` in
// batches of 1,000, and `GET /v1/meters/{id}/quantities` latency over 1,000,000 stored events
// (inserted with the events module's bulk insert, then timed over HTTP; median of several calls).
//
// Runs the emulator from its TypeScript sources (bundled here with esbuild), so no build is needed:
// `node bench/usage.mjs`   (BATCHES=50 EVENTS=1000000 CALLS=7)
import { copyFile, mkdir, rm } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { build } from "esbuild";

const BATCH = 1000;
const BATCHES = Number(process.env.BATCHES ?? 50);
const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const CALLS = Number(process.env.CALLS ?? 7);

const root = new URL("../", import.meta.url);
// Inside the emulator package, so that its dependencies (hono, …) resolve.
const outdir = new URL("packages/emulator/node_modules/.bench-usage/", root);

async function loadEmulator() {
  await mkdir(outdir, { recursive: true });
  const entry = new URL("entry.mjs", outdir);
  await build({
    stdin: {
      contents: `export { startEmulator } from "./src/server.ts";
export { bulkInsertEvents } from "./src/resources/usage.ts";`,
      resolveDir: new URL("packages/emulator/", root).pathname,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile: entry.pathname,
    logLevel: "error",
  });
  // The spec is read from next to the code.
  await copyFile(new URL("spec/polar-openapi.json", root), new URL("polar-openapi.json", outdir));
  return import(entry.href);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const { startEmulator, bulkInsertEvents } = await loadEmulator();
const emu = await startEmulator({ port: 0 });
const headers = { authorization: `Bearer ${emu.accessToken}`, "content-type": "application/json" };
const api = async (method, path, body) => {
  const res = await fetch(`${emu.url}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json;
};

try {
  const customers = [];
  for (let i = 0; i < 10; i++) {
    customers.push(await api("POST", "/v1/customers/", { email: `bench-${i}@example.com`, external_id: `bench-${i}` }));
  }

  // ---- ingestion over HTTP --------------------------------------------------------------------
  const now = Date.now();
  const batch = (b) => ({
    events: Array.from({ length: BATCH }, (_, i) => ({
      name: "api.request",
      ...(i % 2 ? { customer_id: customers[i % 10].id } : { external_customer_id: `bench-${i % 10}` }),
      external_id: `http-${b}-${i}`,
      timestamp: new Date(now - (b * BATCH + i) * 10).toISOString(),
      metadata: { route: `/v1/items/${i % 20}`, tokens: i % 100, model: i % 3 ? "small" : "large" },
    })),
  });
  await api("POST", "/v1/events/ingest", batch(BATCHES)); // warm-up
  const bodies = Array.from({ length: BATCHES }, (_, b) => batch(b));
  const ingestStart = performance.now();
  let inserted = 0;
  for (const body of bodies) inserted += (await api("POST", "/v1/events/ingest", body)).inserted;
  const ingestSeconds = (performance.now() - ingestStart) / 1000;
  const perBatchMs = (ingestSeconds * 1000) / BATCHES;

  // ---- quantities over 1M events ---------------------------------------------------------------
  const span = 30 * 86_400_000;
  const start = now - span;
  const setupStart = performance.now();
  const chunk = 100_000;
  for (let offset = 0; offset < EVENTS; offset += chunk) {
    const rows = [];
    for (let i = offset; i < Math.min(EVENTS, offset + chunk); i++) {
      const customer = customers[i % 10];
      rows.push({
        organization_id: emu.organizationId,
        customer_id: i % 2 ? customer.id : null,
        external_customer_id: i % 2 ? null : customer.external_id,
        name: i % 4 ? "llm.completion" : "api.request",
        timestamp: start + Math.floor((i / EVENTS) * span),
        metadata: { tokens: i % 1000, model: i % 3 ? "small" : "large" },
      });
    }
    bulkInsertEvents(emu.state.db, rows);
  }
  const setupSeconds = (performance.now() - setupStart) / 1000;

  const meters = {
    "count, name = llm.completion": { func: "count" },
    "sum(tokens), name = llm.completion": { func: "sum", property: "tokens" },
    "unique(model), name = llm.completion": { func: "unique", property: "model" },
  };
  const rangeQuery = (interval) =>
    `start_timestamp=${encodeURIComponent(new Date(start).toISOString())}&end_timestamp=${encodeURIComponent(
      new Date(now).toISOString(),
    )}&interval=${interval}`;
  const rows = [];
  for (const [label, aggregation] of Object.entries(meters)) {
    const meter = await api("POST", "/v1/meters/", {
      name: label,
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm.completion" }] },
      aggregation,
    });
    for (const [interval, extra] of [
      ["day", ""],
      ["day", `&customer_id=${customers[1].id}`],
    ]) {
      const path = `/v1/meters/${meter.id}/quantities?${rangeQuery(interval)}${extra}`;
      let total = 0;
      await api("GET", path); // warm-up
      const times = [];
      for (let c = 0; c < CALLS; c++) {
        const t = performance.now();
        total = (await api("GET", path)).total;
        times.push(performance.now() - t);
      }
      rows.push([`${label}, 30 × ${interval}${extra ? ", one customer" : ""}`, median(times), total]);
    }
  }

  console.log(
    `\nNode ${process.version}, ${EVENTS.toLocaleString("en")} stored events (set up in ${setupSeconds.toFixed(1)} s)\n`,
  );
  console.log("| measurement | result |");
  console.log("| --- | --- |");
  console.log(
    `| ingest, ${BATCHES} batches of ${BATCH} over HTTP | **${Math.round(inserted / ingestSeconds).toLocaleString("en")} events/s** (${perBatchMs.toFixed(1)} ms per batch) |`,
  );
  console.log(`| bulk insert (setup, direct) | ${Math.round(EVENTS / setupSeconds).toLocaleString("en")} events/s |`);
  for (const [label, ms, total] of rows) {
    console.log(`| quantities: ${label} (median of ${CALLS}) | **${ms.toFixed(1)} ms** (total ${total}) |`);
  }
} finally {
  await emu.close();
  await rm(outdir, { recursive: true, force: true });
}
