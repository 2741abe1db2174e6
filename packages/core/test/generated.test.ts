import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
// @ts-expect-error: the generator is plain JavaScript run by Node.
import { generate, OUT_DIR, SPEC_PATH } from "../scripts/generate.mjs";
import { VERSION } from "../src/version";

describe("generated code", () => {
  it("matches what the generator makes from the spec today (run `pnpm generate` if not)", async () => {
    const files: Record<string, string> = await generate();
    expect(Object.keys(files).sort()).toEqual(["meta.ts", "openapi.ts", "operations.ts", "sdk.ts"]);
    for (const [name, expected] of Object.entries(files)) {
      const committed = await readFile(resolve(OUT_DIR, name), "utf8");
      expect(committed === expected, `src/generated/${name} is stale: run pnpm generate`).toBe(true);
    }
  }, 60_000);

  it("generates from the exact spec file that spec/SOURCE.md describes", async () => {
    const spec = await readFile(SPEC_PATH);
    const source = await readFile(resolve(SPEC_PATH, "../SOURCE.md"), "utf8");
    const recorded = /git blob `([0-9a-f]{40})`/.exec(source)?.[1];
    const blobId = createHash("sha1").update(`blob ${spec.length}\0`).update(spec).digest("hex");
    expect(blobId).toBe(recorded);
  });

  it("VERSION follows package.json", () => {
    expect(VERSION).toBe(pkg.version);
  });
});
