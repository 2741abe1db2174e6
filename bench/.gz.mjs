import { transform } from "esbuild";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
for (const f of process.argv.slice(2)) {
  const { code } = await transform(readFileSync(f, "utf8"), { minify: true, format: "esm" });
  console.log(f, code.length, gzipSync(code, { level: 9 }).length);
}
