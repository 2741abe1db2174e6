// The examples users copy are the code the matrix runs: a README code block whose info string
// names a file (```ts title="app.ts") is copied verbatim into the consumer project, so an
// example that stops compiling or working fails the matrix.
import { readFileSync } from "node:fs";
import { StepError } from "./processes.mjs";

const FENCE = /^(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)^\1[ \t]*$/gm;

/** Every fenced block with a `title="…"`, as `{ title: code }`. */
export function readmeFiles(readmePath) {
  const files = {};
  for (const [, , info, code] of readFileSync(readmePath, "utf8").matchAll(FENCE)) {
    const title = /\btitle="([^"]+)"/.exec(info)?.[1];
    if (!title) continue;
    if (title in files) throw new StepError(`${readmePath}: two code blocks are titled "${title}"`);
    files[title] = code;
  }
  return files;
}

/** The blocks a row needs, failing with the missing titles (a README that dropped an example). */
export function pickReadmeFiles(readmePath, titles) {
  const all = readmeFiles(readmePath);
  const missing = titles.filter((title) => !(title in all));
  if (missing.length) throw new StepError(`${readmePath} has no code block titled ${missing.join(", ")}`);
  return Object.fromEntries(titles.map((title) => [title, all[title]]));
}
