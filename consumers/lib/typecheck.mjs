// Type-checks a consumer project with `skipLibCheck: false`, so every declaration file we publish
// is checked the way a strict user's build checks it. Every error the tool names fails the step,
// in the project or in any package's declarations.
import { readFileSync } from "node:fs";
import path from "node:path";
import { StepError } from "./processes.mjs";

/**
 * Runs `command args` in `ctx.dir`, whatever its exit code (its output goes to a file, read whole),
 * and parses its errors with `parse` (`output -> [{ file, text }]`). Fails listing every error, or
 * with the output's end when the tool failed without naming one.
 */
export async function typecheck(ctx, { command, args, parse, label, env = ctx.env }) {
  const log = path.join(ctx.dir, ".typecheck.log");
  const quoted = [command, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
  const status = await ctx.run("bash", ["-c", `${quoted} >'${log}' 2>&1; echo "exit=$?"`], { env, label });
  const output = readFileSync(log, "utf8");
  const errors = parse(output);
  if (errors.length) {
    throw new StepError(`${label}: ${errors.length} error(s)\n${errors.map((error) => error.text).join("\n")}`);
  }
  if (!status.includes("exit=0")) throw new StepError(`${label}: failed\n${output.slice(-3000)}`);
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
