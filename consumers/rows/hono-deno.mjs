// Hono on Deno (the `deno` package from npm): the README's `deno serve` command, its
// `--allow-env` limited to the POLAR_* variables, serving the README's default export.
import path from "node:path";
import { honoFiles, honoRoutes, noteVersions, readmeCommand, tsconfig } from "../lib/hono-project.mjs";
import { StepError } from "../lib/processes.mjs";
import { createProject, install, writeFiles } from "../lib/project.mjs";

// `deno serve --host 127.0.0.1 --port <n> …`: the README's command, on the harness's address.
function denoServeArgs(ctx, port) {
  const [subcommand, ...rest] = readmeCommand(ctx, "deno.sh", "deno");
  if (subcommand !== "serve") throw new StepError(`the README's Deno command is not deno serve: ${subcommand}`);
  return [subcommand, "--host", "127.0.0.1", "--port", String(port), ...rest];
}

/** @type {import("../lib/row.mjs").Row} */
export default {
  name: "hono-deno",
  node: "26.12.1",
  ...honoRoutes,
  async install(ctx) {
    createProject(ctx.dir, {
      manager: "npm",
      tarballs: ctx.tarballs,
      dependencies: { "@polar-kit/hono": { tarball: "hono" }, hono: "^4" },
      devDependencies: { deno: "latest", typescript: "latest" },
    });
    writeFiles(ctx.dir, {
      ...honoFiles(ctx, ["app.ts"]),
      "tsconfig.json": tsconfig({ resolution: "bundler", types: [] }),
    });
    await install(ctx.dir, { manager: "npm", env: ctx.env });
    await noteVersions(ctx, [
      ["deno", path.join(ctx.dir, "node_modules/.bin/deno"), ["--version"]],
      ["tsc", path.join(ctx.dir, "node_modules/.bin/tsc"), ["--version"]],
    ]);
  },
  async build(ctx) {
    await ctx.run(path.join(ctx.dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "tsconfig.json"], {
      label: "tsc --noEmit",
    });
    // And Deno's own check, with Deno's types, as a Deno user runs it.
    await ctx.run(path.join(ctx.dir, "node_modules/.bin/deno"), ["check", "app.ts"], {
      env: { ...ctx.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      label: "deno check app.ts",
    });
  },
  async start(ctx, { port, appUrl, env }) {
    await ctx.startServer(path.join(ctx.dir, "node_modules/.bin/deno"), denoServeArgs(ctx, port), {
      env: { ...ctx.env, ...env, DENO_NO_UPDATE_CHECK: "1" },
      readyUrl: appUrl,
      label: "deno serve",
    });
  },
};
