// Hono on Bun (the `bun` package from npm): the README's `bun app.ts` serves its default export.
import path from "node:path";
import { honoFiles, honoRoutes, noteVersions, readmeCommand, tsconfig } from "../lib/hono-project.mjs";
import { createProject, install, writeFiles } from "../lib/project.mjs";

/** @type {import("../lib/row.mjs").Row} */
export default {
  name: "hono-bun",
  node: "26.12.1",
  ...honoRoutes,
  async install(ctx) {
    createProject(ctx.dir, {
      manager: "npm",
      tarballs: ctx.tarballs,
      dependencies: { "@polar-kit/hono": { tarball: "hono" }, hono: "^4" },
      devDependencies: { bun: "latest", "@types/bun": "latest", typescript: "latest" },
    });
    writeFiles(ctx.dir, {
      ...honoFiles(ctx, ["app.ts"]),
      "tsconfig.json": tsconfig({ resolution: "bundler", types: ["bun"] }),
    });
    await install(ctx.dir, { manager: "npm", env: ctx.env });
    await noteVersions(ctx, [
      ["bun", path.join(ctx.dir, "node_modules/.bin/bun"), ["--version"]],
      ["tsc", path.join(ctx.dir, "node_modules/.bin/tsc"), ["--version"]],
    ]);
  },
  async build(ctx) {
    await ctx.run(path.join(ctx.dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "tsconfig.json"], {
      label: "tsc --noEmit",
    });
  },
  async start(ctx, { port, appUrl, env }) {
    await ctx.startServer(path.join(ctx.dir, "node_modules/.bin/bun"), readmeCommand(ctx, "bun.sh", "bun"), {
      env: { ...ctx.env, ...env, PORT: String(port) },
      readyUrl: appUrl,
      label: "bun app.ts",
    });
  },
};
