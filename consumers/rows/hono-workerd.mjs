// Hono on Cloudflare workerd, locally through `wrangler dev`: the README's Workers example, its
// settings from bindings (`.dev.vars`), read through `c.env`.
import { freePort } from "../lib/environment.mjs";
import { bin, honoFiles, honoRoutes, installHonoProject, tsconfig, typecheckProject } from "../lib/hono-project.mjs";
import { writeFiles } from "../lib/project.mjs";

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
    await installHonoProject(ctx, {
      devDependencies: { wrangler: "latest", typescript: "latest" },
      files: {
        ...honoFiles(ctx, ["worker.ts"]),
        "wrangler.jsonc": `${JSON.stringify(WRANGLER_CONFIG, null, 2)}\n`,
        // Runtime types come from `wrangler types` (worker-configuration.d.ts), as Cloudflare advises.
        "tsconfig.json": tsconfig({ resolution: "bundler", types: [], lib: ["es2023"] }),
      },
      tools: ["wrangler", "tsc"],
    });
  },
  async build(ctx) {
    await ctx.run(bin(ctx, "wrangler"), ["types"], {
      env: { ...ctx.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      label: "wrangler types",
    });
    await typecheckProject(ctx);
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
    await ctx.startServer(bin(ctx, "wrangler"), args, {
      env: { ...ctx.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
      readyUrl: appUrl,
      label: "wrangler dev",
    });
  },
};
