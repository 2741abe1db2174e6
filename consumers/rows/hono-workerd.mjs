// Hono on Cloudflare workerd, locally through `wrangler dev`: the README's Workers example, its
// settings from bindings (`.dev.vars`), read through `c.env`.
import path from "node:path";
import { freePort } from "../lib/environment.mjs";
import { honoFiles, honoRoutes, noteVersions, tsconfig } from "../lib/hono-project.mjs";
import { createProject, install, writeFiles } from "../lib/project.mjs";

const WRANGLER_CONFIG = {
  name: "polar-kit-consumer",
  main: "worker.ts",
  compatibility_date: "2026-11-01",
};

/** @type {import("../lib/row.mjs").Row} */
export default {
  name: "hono-workerd",
  node: "26.12.1",
  ...honoRoutes,
  async install(ctx) {
    createProject(ctx.dir, {
      manager: "npm",
      tarballs: ctx.tarballs,
      dependencies: { "@polar-kit/hono": { tarball: "hono" }, hono: "^4" },
      devDependencies: { wrangler: "latest", typescript: "latest" },
    });
    writeFiles(ctx.dir, {
      ...honoFiles(ctx, ["worker.ts"]),
      "wrangler.jsonc": `${JSON.stringify(WRANGLER_CONFIG, null, 2)}\n`,
      // Runtime types come from `wrangler types` (worker-configuration.d.ts), as Cloudflare advises.
      "tsconfig.json": tsconfig({ resolution: "bundler", types: [], lib: ["es2023"] }),
    });
    await install(ctx.dir, { manager: "npm", env: ctx.env });
    await noteVersions(ctx, [
      ["wrangler", path.join(ctx.dir, "node_modules/.bin/wrangler"), ["--version"]],
      ["tsc", path.join(ctx.dir, "node_modules/.bin/tsc"), ["--version"]],
    ]);
  },
  async build(ctx) {
    await ctx.run(path.join(ctx.dir, "node_modules/.bin/wrangler"), ["types"], {
      env: { ...ctx.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      label: "wrangler types",
    });
    await ctx.run(path.join(ctx.dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "tsconfig.json"], {
      label: "tsc --noEmit",
    });
  },
  async start(ctx, { port, appUrl, env }) {
    // The Worker's bindings, as a developer keeps them for `wrangler dev`. The README's example
    // reads SHOP_URL and SHOP_WEBHOOK_SECRET itself; POLAR_* bindings are read by the middleware.
    const vars = {
      POLAR_ACCESS_TOKEN: env.POLAR_ACCESS_TOKEN,
      POLAR_API_URL: env.POLAR_API_URL,
      SHOP_URL: env.POLAR_APP_URL,
      SHOP_WEBHOOK_SECRET: env.POLAR_WEBHOOK_SECRET,
    };
    const devVars = Object.entries(vars).map(([name, value]) => `${name}=${JSON.stringify(value)}\n`);
    writeFiles(ctx.dir, { ".dev.vars": devVars.join("") });
    const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort())];
    await ctx.startServer(path.join(ctx.dir, "node_modules/.bin/wrangler"), args, {
      env: { ...ctx.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      readyUrl: appUrl,
      label: "wrangler dev",
    });
  },
};
