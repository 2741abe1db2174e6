import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
// @ts-expect-error: the generator is plain JavaScript run by Node.
import { generate, OUT_DIR } from "../scripts/generate.mjs";
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

  it("VERSION follows package.json", () => {
    expect(VERSION).toBe(pkg.version);
  });
});
