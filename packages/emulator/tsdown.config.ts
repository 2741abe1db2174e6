import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm"],
  platform: "node",
  target: "node22",
  // package.json (exports, bin) names dist/*.js; on the node platform tsdown would write .mjs.
  fixedExtension: false,
  dts: true,
  sourcemap: false,
  clean: true,
  // The spec drives routing and validation at run time; it ships next to the code.
  copy: [{ from: "../../spec/polar-openapi.json", to: "dist" }],
});
