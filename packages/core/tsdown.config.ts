import { defineConfig } from "tsdown";

export default defineConfig({
  entry: [
    "src/index.ts",
    "src/funcs.ts",
    "src/webhooks.ts",
    "src/webhooks/node.ts",
    "src/handlers.ts",
    "src/adapter.ts",
    "src/dedupe/redis.ts",
    "src/dedupe/sql.ts",
  ],
  format: ["esm", "cjs"],
  platform: "neutral",
  target: "es2022",
  dts: true,
  sourcemap: false,
  clean: true,
  // Only the `node` build of ./webhooks imports it; every other entry stays free of Node.js APIs.
  deps: { neverBundle: ["node:crypto"] },
});
