// Builds the fixture app with one SvelteKit major and serves requests through that major's real
// Server: real hooks, real `resolve`, real `RequestEvent`s.
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createBuilder } from "vite";

export type KitMajor = 2 | 3;

const fixture = resolve(import.meta.dirname, "fixture");

export type Respond = (request: Request) => Promise<Response>;

export async function serveFixture(major: KitMajor): Promise<Respond> {
  const outDir = resolve(fixture, `.svelte-kit-${major}`);
  await rm(outDir, { recursive: true, force: true });
  // Read by the fixture's vite.config.js, also in the worker Kit 2 starts during the build. Each
  // test file runs in a process of its own.
  process.env.FIXTURE_KIT_MAJOR = String(major);
  // SvelteKit finds the app's files and its peers (vite-plugin-svelte) from the working directory.
  const cwd = process.cwd();
  process.chdir(fixture);
  try {
    // What `vite build` runs (`null`: the app builder only when the config asks for one, as Kit 3
    // does; Kit 2 builds the way Vite's `build()` does).
    const config = { root: fixture, configFile: resolve(fixture, "vite.config.js"), logLevel: "silent" } as const;
    const builder = await createBuilder(config, null);
    await builder.buildApp();
  } finally {
    process.chdir(cwd);
  }
  const output = resolve(outDir, "output/server");
  const { Server } = await import(pathToFileURL(resolve(output, "index.js")).href);
  const { manifest } = await import(pathToFileURL(resolve(output, "manifest.js")).href);
  const server = new Server(manifest);
  await server.init({ env: process.env as Record<string, string> });
  return (request) => server.respond(request, { getClientAddress: () => "127.0.0.1" });
}
