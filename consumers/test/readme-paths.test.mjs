import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { StepError } from "../lib/processes.mjs";
import { pickReadmeFilesByComment, readmeFilesByComment } from "../lib/readme-paths.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "readme-paths-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const readme = (name, text) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

test("takes blocks named by a first-line path comment, list items' indented ones without their indentation", () => {
  const file = readme(
    "a.md",
    [
      "```ts",
      "// app/checkout/route.ts — POST from a form",
      "export const POST = 1;",
      "```",
      "",
      "- On the older major:",
      "",
      "  ```ts",
      "  // src/lib/server/polar.ts",
      "  export const polar = {",
      "    a: 1,",
      "  };",
      "  ```",
      "",
      "```ts",
      "// not a path: a sentence",
      "```",
      "```sh",
      "npm install x",
      "```",
    ].join("\n"),
  );
  assert.deepEqual(readmeFilesByComment(file), {
    "app/checkout/route.ts": "// app/checkout/route.ts — POST from a form\nexport const POST = 1;\n",
    "src/lib/server/polar.ts": "// src/lib/server/polar.ts\nexport const polar = {\n  a: 1,\n};\n",
  });
});

test("a missing or repeated path fails with a StepError naming it", () => {
  const file = readme("b.md", "```ts\n// src/app.d.ts\nexport {};\n```\n");
  assert.throws(
    () => pickReadmeFilesByComment(file, ["src/app.d.ts", "src/env.ts"]),
    (error) =>
      error instanceof StepError && error.message.includes("src/env.ts") && error.message.includes("src/app.d.ts"),
  );
  const twice = readme("c.md", "```ts\n// src/app.d.ts\n1\n```\n```ts\n// src/app.d.ts\n2\n```\n");
  assert.throws(() => readmeFilesByComment(twice), /two code blocks name src\/app\.d\.ts/);
});
