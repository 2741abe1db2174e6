#!/usr/bin/env node
// The consumer matrix: `node consumers/run.mjs [--keep] [row ...]` (no rows: all of consumers/rows/*.mjs).
// Packs the published packages once, installs them into fresh projects outside the workspace the
// way users do, and checks each app over HTTP against the packed emulator. Exits 1 on any failure.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { installEmulator } from "./lib/emulator.mjs";
import { consumerEnv, nodeHome } from "./lib/environment.mjs";
import { runRow } from "./lib/matrix.mjs";
import { packPackages } from "./lib/pack.mjs";
import { StepError } from "./lib/processes.mjs";
import { formatTable } from "./lib/table.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
// The harness's own tools (pnpm pack, the shared emulator) run on the pinned Node.js.
const PINNED_NODE = "26.12.1";

const available = readdirSync(path.join(here, "rows"))
  .filter((file) => file.endsWith(".mjs"))
  .map((file) => file.slice(0, -4))
  .sort();
const keep = process.argv.includes("--keep");
const wanted = process.argv.slice(2).filter((arg) => arg !== "--keep");
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`unknown row(s): ${unknown.join(", ")}; rows: ${available.join(", ")}`);
  process.exit(2);
}
const selected = wanted.length ? wanted : available;

const base = path.join(tmpdir(), "polar-kit-consumers");
mkdirSync(base, { recursive: true });
const work = mkdtempSync(path.join(base, "run-"));
console.log(`consumer matrix: ${selected.join(", ")}\nworking in ${work}`);

const results = [];
const toolEnv = consumerEnv(nodeHome(root, PINNED_NODE));
const setup = async (name, step) => {
  const started = performance.now();
  try {
    const value = await step();
    results.push({ name, install: (performance.now() - started) / 1000, ok: true, error: "" });
    return value;
  } catch (error) {
    const message = error instanceof StepError ? error.message : (error?.stack ?? String(error));
    results.push({ name, install: (performance.now() - started) / 1000, ok: false, error: message });
    return undefined;
  }
};

const tarballs = await setup("(build + pack)", () =>
  packPackages({ root, dest: path.join(work, "tarballs"), env: toolEnv }),
);
if (tarballs) {
  // One npm install of the packed emulator per Node.js version, run on that version as its users
  // would (a native dependency would be built for it).
  const emulatorInstalls = new Map();
  const sharedEmulator = (version) => {
    if (!emulatorInstalls.has(version)) {
      const install = async () => {
        const dir = await setup(`(emulator, Node ${version}: npm install)`, () =>
          installEmulator(path.join(work, `emulator-node${version}`), {
            tarballs,
            env: consumerEnv(nodeHome(root, version)),
          }),
        );
        if (!dir) throw new StepError(`the emulator install on Node ${version} failed (see its row)`);
        return dir;
      };
      emulatorInstalls.set(version, install());
    }
    return emulatorInstalls.get(version);
  };
  const rows = [];
  for (const name of selected) rows.push((await import(path.join(here, "rows", `${name}.mjs`))).default);
  // Installed before the rows, so no row's time includes it.
  for (const version of new Set(rows.filter((row) => !row.ownEmulator).map((row) => row.node))) {
    await sharedEmulator(version).catch(() => {});
  }
  for (const row of rows) {
    const name = row.name;
    const result = await runRow(row, { root, work, tarballs, sharedEmulator });
    console.log(`${result.ok ? "pass" : "FAIL"} ${name}`);
    results.push(result);
  }
}

console.log(`\n${formatTable(results)}`);
const failed = results.some((result) => !result.ok);
if (failed || keep) console.log(`\nprojects kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
process.exitCode = failed ? 1 : 0;
