// Minified + gzipped bundle sizes: polar-kit against the official @polar-sh/sdk (1.0.1 and 0.47.1)
// doing the same thing. Run after `pnpm --filter @polar-kit/core build`: `node bench/size.mjs`.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const here = import.meta.dirname;

/** Each entry: the code of a module that does one job, with every library bundled in. */
export const SIZE_CASES = [
  {
    job: "checkouts.create, tree-shakeable form",
    contenders: {
      "@polar-kit/core": `import { createClient } from "@polar-kit/core";
import { checkoutsCreate } from "@polar-kit/core/funcs";
const client = createClient({ accessToken: "polar_oat_x", server: "sandbox" });
export const run = () => checkoutsCreate(client, { products: ["p"] });`,
      "@polar-sh/sdk 1.0.1": `import { createPolarCore } from "@polar-sh/sdk/2026-04";
import { createCheckouts } from "@polar-sh/sdk/2026-04/services/checkouts";
const core = createPolarCore({ accessToken: "polar_oat_x", environment: "sandbox" });
export const run = () => createCheckouts(core)({ products: ["p"] });`,
      "@polar-sh/sdk 0.47.1": `import { PolarCore } from "polar-sdk-047/core.js";
import { checkoutsCreate } from "polar-sdk-047/funcs/checkoutsCreate.js";
const core = new PolarCore({ accessToken: "polar_oat_x", server: "sandbox" });
export const run = () => checkoutsCreate(core, { products: ["p"] });`,
    },
  },
  {
    job: "whole client",
    contenders: {
      "@polar-kit/core": `import { createPolar } from "@polar-kit/core";
export const polar = createPolar({ accessToken: "polar_oat_x", server: "sandbox" });`,
      "@polar-sh/sdk 1.0.1": `import { createPolar } from "@polar-sh/sdk/2026-04";
export const polar = createPolar({ accessToken: "polar_oat_x", environment: "sandbox" });`,
      "@polar-sh/sdk 0.47.1": `import { Polar } from "polar-sdk-047";
export const polar = new Polar({ accessToken: "polar_oat_x", server: "sandbox" });`,
    },
  },
];

/**
 * Bundles `code` the way an app would ship it and returns { min, gz } in bytes; `options` are
 * esbuild's, over these defaults (e.g. edge conditions, externals).
 */
export async function bundleSize(code, options = {}) {
  const dir = await mkdtemp(join(here, ".size-"));
  try {
    await writeFile(join(dir, "entry.mjs"), code);
    const result = await build({
      entryPoints: [join(dir, "entry.mjs")],
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      mainFields: ["module", "main"],
      conditions: ["import", "default"],
      write: false,
      logLevel: "silent",
      ...options,
    });
    const bytes = result.outputFiles[0].contents;
    return { min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

if (process.argv[1] === import.meta.filename) {
  console.log("Minified + gzipped (esbuild --bundle --minify, platform neutral, gzip -9)\n");
  console.log(`| job | contender | minified | gzipped |\n|---|---|---|---|`);
  for (const { job, contenders } of SIZE_CASES) {
    for (const [name, code] of Object.entries(contenders)) {
      try {
        const { min, gz } = await bundleSize(code);
        console.log(`| ${job} | ${name} | ${kb(min)} | ${kb(gz)} |`);
      } catch (error) {
        console.log(`| ${job} | ${name} | failed: ${error.message.split("\n")[0]} | |`);
      }
    }
  }
}
