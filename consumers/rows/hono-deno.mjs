// Hono on Deno (the `deno` package from npm): the README's `deno serve` command, its
// `--allow-env` limited to the POLAR_* variables, serving the README's default export.
import {
  bin,
  honoFiles,
  honoRoutes,
  installHonoProject,
  readmeCommand,
  tsconfig,
  typecheckProject,
} from "../lib/hono-project.mjs";
import { StepError } from "../lib/processes.mjs";

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
    await installHonoProject(ctx, {
      devDependencies: { deno: "latest", typescript: "latest" },
      files: { ...honoFiles(ctx, ["app.ts"]), "tsconfig.json": tsconfig({ resolution: "bundler", types: [] }) },
      tools: ["deno", "tsc"],
    });
  },
  async build(ctx) {
    await typecheckProject(ctx);
    // And Deno's own check, with Deno's types, as a Deno user runs it.
    await ctx.run(bin(ctx, "deno"), ["check", "app.ts"], {
      env: { ...ctx.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      label: "deno check app.ts",
    });
  },
  async start(ctx, { port, appUrl, env }) {
    await ctx.startServer(bin(ctx, "deno"), denoServeArgs(ctx, port), {
      env: { ...ctx.env, ...env, DENO_NO_UPDATE_CHECK: "1" },
      readyUrl: appUrl,
      label: "deno serve",
    });
  },
};
