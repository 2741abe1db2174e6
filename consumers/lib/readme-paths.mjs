// README code blocks that name their file in a first-line comment (`// app/checkout/route.ts — …`),
// the convention of the adapter READMEs: the path stays visible on GitHub, which does not show a
// fence's `title="…"`. Each such block is copied verbatim into the consumer project.
import { readFileSync } from "node:fs";
import { StepError } from "./processes.mjs";

// A fence may be indented (a block inside a list item); its lines lose that indentation.
const FENCE = /^([ \t]*)(`{3,}|~{3,})([^\n]*)\n([\s\S]*?)^\1\2[ \t]*$/gm;
// A relative path with a file extension, right after `// ` on the block's first line.
const PATH_COMMENT = /^\/\/ ((?:[\w$.@[\]()+-]+\/)*[\w$.@[\]()+-]+\.[a-z]+)(?:\s|$)/;

/** Every fenced block whose first line is `// <path>`, as `{ path: code }`. */
export function readmeFilesByComment(readmePath) {
  const files = {};
  for (const [, indent, , , indented] of readFileSync(readmePath, "utf8").matchAll(FENCE)) {
    const code = indented.replace(new RegExp(`^${indent}`, "gm"), "");
    const file = PATH_COMMENT.exec(code)?.[1];
    if (!file) continue;
    if (file in files) throw new StepError(`${readmePath}: two code blocks name ${file}`);
    files[file] = code;
  }
  return files;
}

/** The blocks a row needs, failing with the paths the README no longer has. */
export function pickReadmeFilesByComment(readmePath, paths) {
  const all = readmeFilesByComment(readmePath);
  const missing = paths.filter((file) => !(file in all));
  if (missing.length) {
    const found = Object.keys(all).join(", ") || "none";
    throw new StepError(`${readmePath} has no code block for ${missing.join(", ")} (blocks found: ${found})`);
  }
  return Object.fromEntries(paths.map((file) => [file, all[file]]));
}
