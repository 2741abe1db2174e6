import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { run, StepError } from "../lib/processes.mjs";
import { parseSvelteCheck, parseTsc, typecheck } from "../lib/typecheck.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "typecheck-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const ctx = {
  dir,
  env: process.env,
  run: (command, args, options) => run(command, args, { cwd: dir, env: process.env, timeoutMs: 30_000, ...options }),
};
// A stand-in for the checker: prints `output` and exits with `code`.
const checker = (output, code) => ({
  label: "checker",
  command: "bash",
  args: ["-c", `printf '%s' "$0"; exit ${code}`, output],
});

test("parseTsc keeps each error with its indented continuation lines", () => {
  const output = [
    "node_modules/x/index.d.ts(2,10): error TS2305: Module '\"y\"' has no exported member 'Handle'.",
    "app/a.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.",
    "  Type 'string' is not assignable to type 'number'.",
    "",
  ].join("\n");
  assert.deepEqual(
    parseTsc(output).map((error) => [error.file, error.text.split("\n").length]),
    [
      ["node_modules/x/index.d.ts", 1],
      ["app/a.ts", 2],
    ],
  );
});

test("parseSvelteCheck reads the machine output's errors only", () => {
  const output = [
    '1 START "/p"',
    "2 ERROR \"src/routes/+page.svelte\" 2:9 \"Type 'string' is not assignable to type 'number'.\"",
    '3 WARNING "src/routes/+page.svelte" 4:1 "unused"',
    "4 COMPLETED 281 FILES 1 ERRORS 1 WARNINGS 1 FILES_WITH_PROBLEMS",
  ].join("\n");
  assert.deepEqual(
    parseSvelteCheck(output).map((error) => error.file),
    ["src/routes/+page.svelte"],
  );
});

test("typecheck passes a clean run and fails listing every error, or the output of a failure it cannot parse", async () => {
  await typecheck(ctx, { ...checker("", 0), parse: parseTsc });
  await assert.rejects(
    typecheck(ctx, { ...checker("a.ts(1,1): error TS1: one\nb.ts(2,2): error TS2: two\n", 2), parse: parseTsc }),
    (error) => error instanceof StepError && /2 error\(s\)/.test(error.message) && error.message.includes("b.ts(2,2)"),
  );
  await assert.rejects(
    typecheck(ctx, { ...checker("tsconfig.json not found", 1), parse: parseTsc }),
    (error) => error instanceof StepError && error.message.includes("tsconfig.json not found"),
  );
});
