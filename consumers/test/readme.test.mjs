import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { StepError } from "../lib/processes.mjs";
import { pickReadmeFiles, readmeFiles } from "../lib/readme.mjs";

const folders = [];
const made = (dir) => {
  folders.push(dir);
  return dir;
};
after(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const readme = (text) => {
  const file = path.join(made(mkdtempSync(path.join(tmpdir(), "readme-test-"))), "README.md");
  writeFileSync(file, text);
  return file;
};

test("copies titled blocks verbatim and ignores untitled ones", () => {
  const file = readme(
    [
      "# x",
      "```sh",
      "npm install x",
      "```",
      '```ts title="app.ts"',
      'const a = "```"; // a fence inside a line is code',
      "",
      "export default a;",
      "```",
      '~~~sh title="run.sh"',
      "node app.ts",
      "~~~",
    ].join("\n"),
  );
  assert.deepEqual(readmeFiles(file), {
    "app.ts": 'const a = "```"; // a fence inside a line is code\n\nexport default a;\n',
    "run.sh": "node app.ts\n",
  });
});

test("a missing or repeated title fails with a StepError naming it", () => {
  const file = readme('```ts title="app.ts"\n1\n```\n');
  assert.throws(
    () => pickReadmeFiles(file, ["app.ts", "worker.ts"]),
    (error) => {
      return error instanceof StepError && error.message.includes("worker.ts");
    },
  );
  const twice = readme('```ts title="app.ts"\n1\n```\n```ts title="app.ts"\n2\n```\n');
  assert.throws(() => readmeFiles(twice), /two code blocks are titled "app.ts"/);
});
