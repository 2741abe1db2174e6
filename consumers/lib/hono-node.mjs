// Hono on Node.js with @hono/node-server: the README's app.ts and server.ts, run by Node's own
// type stripping (`node server.ts`), type-checked with `nodenext` resolution.
import { readFileSync } from "node:fs";
import path from "node:path";
import { honoFiles, honoRoutes, noteVersions, readmeCommand, tsconfig } from "./hono-project.mjs";
import { createProject, install, writeFiles } from "./project.mjs";

// pnpm 10 records the dependencies whose build scripts it did not run (not approved) here.
function ignoredBuilds(dir) {
  const modules = readFileSync(path.join(dir, "node_modules/.modules.yaml"), "utf8");
  return JSON.parse(modules).ignoredBuilds ?? [];
}

/**
 * @param {{ name: string, node: string, typesNode: string, typescript: string, manager: "npm" | "pnpm", ownEmulator?: boolean }} options
 *   `ownEmulator`: install @polar-kit/emulator into the app's project and start it from there
 * @returns {import("./row.mjs").Row}
 */
export function honoNodeRow({ name, node, typesNode, typescript, manager, ownEmulator = false }) {
  return {
    name,
    node,
    ownEmulator,
    ...honoRoutes,
    async install(ctx) {
      createProject(ctx.dir, {
        manager,
        tarballs: ctx.tarballs,
        dependencies: {
          "@polar-kit/hono": { tarball: "hono" },
          hono: "^4",
          "@hono/node-server": "^2",
          ...(ownEmulator ? { "@polar-kit/emulator": { tarball: "emulator" } } : {}),
        },
        devDependencies: { typescript, "@types/node": typesNode },
      });
      writeFiles(ctx.dir, {
        ...honoFiles(ctx, ["app.ts", "server.ts"]),
        "tsconfig.json": tsconfig({ resolution: "nodenext", types: ["node"] }),
      });
      await install(ctx.dir, { manager, env: ctx.env });
      await noteVersions(ctx, [
        ["node", "node", ["--version"]],
        ["tsc", path.join(ctx.dir, "node_modules/.bin/tsc"), ["--version"]],
      ]);
      if (manager === "pnpm")
        ctx.note(`pnpm skipped the build scripts of: ${ignoredBuilds(ctx.dir).join(", ") || "nothing"}`);
    },
    async build(ctx) {
      await ctx.run(path.join(ctx.dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "tsconfig.json"], {
        label: "tsc --noEmit",
      });
    },
    async start(ctx, { port, appUrl, env }) {
      await ctx.startServer("node", readmeCommand(ctx, "node.sh", "node"), {
        env: { ...ctx.env, ...env, PORT: String(port) },
        readyUrl: appUrl,
        label: "node server.ts",
      });
    },
  };
}
