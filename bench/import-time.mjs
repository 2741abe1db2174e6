// Cold import time: a fresh Node process that imports a package, minus a fresh process that
// imports an empty local module (so the ESM loader's own start-up is not charged to anyone). Contenders run interleaved, `ROUNDS` times each; the median is reported.
// Run after `pnpm --filter @polar-kit/core build`: `node bench/import-time.mjs`.
import { execFileSync } from "node:child_process";

const ROUNDS = Number(process.env.ROUNDS ?? 30);

const CONTENDERS = {
  "empty node process": 'await import("./noop.mjs");',
  "@polar-kit/core (client + webhooks)":
    'await import("@polar-kit/core"); await import("@polar-kit/core/webhooks").catch(() => {});',
  "@polar-sh/sdk 1.0.1 (client + webhooks)": 'await import("@polar-sh/sdk/2026-04");',
  "@polar-sh/sdk 0.47.1 (client + webhooks)":
    'await import("polar-sdk-047"); await import("polar-sdk-047/webhooks.js");',
};

function timeOnce(code) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: import.meta.dirname, stdio: "ignore" });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const samples = Object.fromEntries(Object.keys(CONTENDERS).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, code] of Object.entries(CONTENDERS)) {
    try {
      samples[name].push(timeOnce(code));
    } catch {
      samples[name].push(Number.NaN);
    }
  }
}

const baseline = median(samples["empty node process"]);
console.log(`Cold import, median of ${ROUNDS} interleaved runs (node ${process.version})\n`);
console.log("| contender | process total | import cost |\n|---|---|---|");
for (const [name, values] of Object.entries(samples)) {
  const total = median(values);
  const cost = name === "empty node process" ? "" : `${(total - baseline).toFixed(1)} ms`;
  console.log(`| ${name} | ${Number.isNaN(total) ? "failed to load" : `${total.toFixed(1)} ms`} | ${cost} |`);
}
