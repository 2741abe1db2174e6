// Type-checks a consumer project with `skipLibCheck: false`, so every declaration file we publish
// is checked the way a strict user's build checks it. Framework packages may ship declarations
// that fail on their own (Next.js 16 references webpack internals, `server-only` and
// `react-server-dom-webpack` it does not install); those errors are listed as the framework's,
// while any error in the project or in another package (ours included) fails the step.
import { readFileSync } from "node:fs";
import path from "node:path";
import { StepError } from "./processes.mjs";

/**
 * Runs `command args` in `ctx.dir`, whatever its exit code, and parses its errors with `parse`
 * (`output -> [{ file, text }]`, `file` relative to the project). Fails on any error outside
 * `foreign` (folders of other projects' declarations, e.g. "node_modules/next/"), and also when
 * the tool failed without naming an error. Returns the foreign errors, for the log.
 */
export async function typecheck(ctx, { command, args, parse, foreign = [], label, env = ctx.env }) {
  const log = path.join(ctx.dir, ".typecheck.log");
  const quoted = [command, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
  const status = await ctx.run("bash", ["-c", `${quoted} >'${log}' 2>&1; echo "exit=$?"`], { env, label });
  const output = readFileSync(log, "utf8");
  const errors = parse(output);
  const own = errors.filter((error) => !foreign.some((folder) => error.file.startsWith(folder)));
  if (own.length) {
    throw new StepError(`${label}: ${own.length} error(s)\n${own.map((error) => error.text).join("\n")}`);
  }
  if (!status.includes("exit=0") && errors.length === 0) {
    throw new StepError(`${label}: failed without a parsable error\n${output.slice(-3000)}`);
  }
  return errors;
}

/** `tsc --pretty false` output: `file(line,col): error TS1234: message` (continuation lines indented). */
export function parseTsc(output) {
  const errors = [];
  for (const line of output.split("\n")) {
    const match = /^(.+?)\(\d+,\d+\): error TS\d+:/.exec(line);
    if (match) errors.push({ file: match[1], text: line });
    else if (line.startsWith(" ") && errors.length) errors[errors.length - 1].text += `\n${line}`;
  }
  return errors;
}

/** `svelte-check --output machine` output: `<time> ERROR "file" line:col "message"`. */
export function parseSvelteCheck(output) {
  const errors = [];
  for (const line of output.split("\n")) {
    const match = /^\d+ ERROR "([^"]+)" \d+:\d+ /.exec(line);
    if (match) errors.push({ file: match[1], text: line });
  }
  return errors;
}
