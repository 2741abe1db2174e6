// Hono on Node.js with @hono/node-server: the README's app.ts and server.ts, run by Node's own
// type stripping (`node server.ts`), type-checked with `nodenext` resolution.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  honoFiles,
  honoRoutes,
  installHonoProject,
  readmeCommand,
  tsconfig,
  typecheckProject,
} from "./hono-project.mjs";

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
      await installHonoProject(ctx, {
        manager,
        dependencies: {
          "@hono/node-server": "^2",
          ...(ownEmulator ? { "@polar-kit/emulator": { tarball: "emulator" } } : {}),
        },
        devDependencies: { typescript, "@types/node": typesNode },
        files: {
          ...honoFiles(ctx, ["app.ts", "server.ts"]),
          "tsconfig.json": tsconfig({ resolution: "nodenext", types: ["node"] }),
        },
        tools: ["node", "tsc"],
      });
      if (manager === "pnpm")
        ctx.note(`pnpm skipped the build scripts of: ${ignoredBuilds(ctx.dir).join(", ") || "nothing"}`);
    },
    build: typecheckProject,
    async start(ctx, { port, appUrl, env }) {
      await ctx.startServer("node", readmeCommand(ctx, "node.sh", "node"), {
        env: { ...ctx.env, ...env, PORT: String(port) },
        readyUrl: appUrl,
        label: "node server.ts",
      });
    },
  };
}
