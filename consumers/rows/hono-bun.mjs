// Hono on Bun (the `bun` package from npm): the README's `bun app.ts` serves its default export.
import {
  bin,
  honoFiles,
  honoRoutes,
  installHonoProject,
  readmeCommand,
  tsconfig,
  typecheckProject,
} from "../lib/hono-project.mjs";

/** @type {import("../lib/row.mjs").Row} */
export default {
  name: "hono-bun",
  node: "26.12.1",
  ...honoRoutes,
  async install(ctx) {
    await installHonoProject(ctx, {
      devDependencies: { bun: "latest", "@types/bun": "latest", typescript: "latest" },
      files: { ...honoFiles(ctx, ["app.ts"]), "tsconfig.json": tsconfig({ resolution: "bundler", types: ["bun"] }) },
      tools: ["bun", "tsc"],
    });
  },
  build: typecheckProject,
  async start(ctx, { port, appUrl, env }) {
    await ctx.startServer(bin(ctx, "bun"), readmeCommand(ctx, "bun.sh", "bun"), {
      env: { ...ctx.env, ...env, PORT: String(port) },
      readyUrl: appUrl,
      label: "bun app.ts",
    });
  },
};
