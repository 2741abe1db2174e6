// Emulator throughput and webhook latency on loopback.
//
// Requests per second: the server under test runs in a child process (its own event loop and
// core), and a closed-loop load generator here keeps CONCURRENCY keep-alive `fetch` loops busy for
// DURATION_MS per route. A bare `node:http` hello-world runs the same way in the same run, as the
// ceiling for this machine. Webhook latency: time from sending the request that changes state to
// the receiver's handler being called, one change at a time, emulator and receiver in this process.
//
// Run after `pnpm --filter @polar-kit/emulator build`: `node bench/emulator.mjs`. To measure another
// build (an installed tarball, say), name its entry: `EMULATOR=/tmp/x/node_modules/@polar-kit/emulator/dist/index.js`.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const EMULATOR = process.env.EMULATOR
  ? pathToFileURL(process.env.EMULATOR).href
  : new URL("../packages/emulator/dist/index.js", import.meta.url).href;
const DURATION_MS = Number(process.env.DURATION_MS ?? 5000);
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const SAMPLES = Number(process.env.SAMPLES ?? 500);

// ---- child process: one server, announced as a JSON line on stdout -------------------------------

async function serve(kind) {
  if (kind === "bare") {
    const body = JSON.stringify({ hello: "world" });
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(body));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` }));
    return;
  }
  const { startEmulator } = await import(EMULATOR);
  const emu = await startEmulator({ port: 0 });
  console.log(JSON.stringify({ url: emu.url, accessToken: emu.accessToken, organizationId: emu.organizationId }));
}

// ---- parent: load generator -------------------------------------------------------------------------

async function startChild(kind) {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, "--serve", kind], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await createInterface({ input: child.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then((r) => [r.value]);
  return { child, ...JSON.parse(line) };
}

function stopChild(child) {
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

/** Closed loop: each worker sends its next request as soon as the previous answer is read. */
async function load(makeRequest, durationMs) {
  let ok = 0;
  let failed = 0;
  const statuses = new Set();
  const end = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const { url, init } = makeRequest();
      const res = await fetch(url, init);
      await res.arrayBuffer();
      statuses.add(res.status);
      if (res.ok) ok++;
      else failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { rps: ok / seconds, failed, statuses: [...statuses] };
}

async function measure(makeRequest) {
  await load(makeRequest, WARMUP_MS);
  return load(makeRequest, DURATION_MS);
}

const auth = (emu, extra = {}) => ({
  authorization: `Bearer ${emu.accessToken}`,
  "content-type": "application/json",
  ...extra,
});

async function implemented(emu, method, path, body) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: auth(emu),
    body: body && JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  return { ok: res.status !== 501, status: res.status, json };
}

/** The two emulator scenarios, or the organization fallbacks when products/checkouts are not emulated yet. */
async function scenarios(emu) {
  const read = (await implemented(emu, "GET", "/v1/products/")).ok
    ? { name: "GET /v1/products/", method: "GET", path: "/v1/products/" }
    : { name: "GET /v1/organizations/ (products not emulated yet)", method: "GET", path: "/v1/organizations/" };
  let write = {
    name: "PATCH /v1/organizations/{id} (checkouts not emulated yet)",
    method: "PATCH",
    path: `/v1/organizations/${emu.organizationId}`,
    body: () => ({ name: `Acme ${Math.random()}` }),
  };
  const product = await implemented(emu, "POST", "/v1/products/", {
    name: "Bench product",
    prices: [{ amount_type: "fixed", price_amount: 1000, price_currency: "usd" }],
    recurring_interval: null,
  });
  if (product.ok && product.status < 300) {
    const checkout = await implemented(emu, "POST", "/v1/checkouts/", { products: [product.json.id] });
    if (checkout.ok && checkout.status < 300) {
      write = {
        name: "POST /v1/checkouts/",
        method: "POST",
        path: "/v1/checkouts/",
        body: () => ({ products: [product.json.id] }),
      };
    }
  }
  if (read.path === "/v1/products/" && product.status < 300) read.name += " (1 product)";
  return [read, write];
}

// ---- parent: webhook latency -------------------------------------------------------------------------

async function webhookLatency() {
  let arrived = () => {};
  const server = createServer((req, res) => {
    const at = performance.now();
    req.resume();
    req.on("end", () => {
      res.writeHead(204).end();
      arrived(at);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { startEmulator } = await import(EMULATOR);
  const emu = await startEmulator({ port: 0, webhookUrl: `http://127.0.0.1:${server.address().port}/hook` });
  const samples = [];
  for (let i = 0; i < SAMPLES + 50; i++) {
    const receipt = new Promise((resolve) => {
      arrived = resolve;
    });
    const sent = performance.now();
    const res = await fetch(`${emu.url}/v1/organizations/${emu.organizationId}`, {
      method: "PATCH",
      headers: auth(emu),
      body: JSON.stringify({ name: `Acme ${i}` }),
    });
    await res.arrayBuffer();
    const at = await receipt;
    if (i >= 50) samples.push(at - sent);
  }
  await emu.close();
  server.close();
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { median: at(0.5), p99: at(0.99), n: samples.length };
}

// ---- main ------------------------------------------------------------------------------------------------

async function main() {
  const rows = [];
  const bare = await startChild("bare");
  const bareResult = await measure(() => ({ url: `${bare.url}/`, init: {} }));
  await stopChild(bare.child);
  rows.push(["bare node:http hello-world", "GET /", bareResult]);

  const emu = await startChild("emulator");
  for (const scenario of await scenarios(emu)) {
    const result = await measure(() => ({
      url: `${emu.url}${scenario.path}`,
      init: {
        method: scenario.method,
        headers: auth(emu),
        body: scenario.body && JSON.stringify(scenario.body()),
      },
    }));
    rows.push(["@polar-kit/emulator", scenario.name, result]);
  }
  await stopChild(emu.child);

  const latency = await webhookLatency();

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `Loopback, ${CONCURRENCY} keep-alive connections, ${DURATION_MS / 1000} s per route after ${WARMUP_MS / 1000} s warm-up (node ${process.version}, ${cpus().length} × ${cpu})\n`,
  );
  console.log("| server | route | requests/s | vs bare node:http | non-2xx |\n|---|---|---|---|---|");
  for (const [server, route, { rps, failed, statuses }] of rows) {
    const ratio = `${((rps / bareResult.rps) * 100).toFixed(0)} %`;
    const errors = failed ? `${failed} (${statuses.join(", ")})` : "0";
    console.log(`| ${server} | ${route} | ${Math.round(rps).toLocaleString("en")} | ${ratio} | ${errors} |`);
  }
  console.log(
    `\nWebhook delivery latency (PATCH /v1/organizations/{id} sent → organization.updated received, ${latency.n} sequential changes)\n`,
  );
  console.log("| median | p99 |\n|---|---|");
  console.log(`| ${latency.median.toFixed(2)} ms | ${latency.p99.toFixed(2)} ms |`);
}

if (process.argv[2] === "--serve") await serve(process.argv[3]);
else await main();
