// A user's fresh project: a package.json naming our tarballs (and registry packages), installed
// with the user's package manager. `@polar-kit/core` is pinned to our tarball through the
// manager's overrides, so an adapter's `^0.1.0` never reaches the registry.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { run, StepError } from "./processes.mjs";

/**
 * Writes `package.json`; `dependencies` values are registry ranges, or `{ tarball: "hono" }` for
 * one of ours (`tarballs.hono`).
 */
export function createProject(dir, { manager, tarballs, dependencies = {}, devDependencies = {} }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const resolve = (specs) =>
    Object.fromEntries(
      Object.entries(specs).map(([name, spec]) => [name, spec.tarball ? `file:${tarballs[spec.tarball]}` : spec]),
    );
  const manifest = {
    name: `consumer-${path.basename(dir)}`,
    version: "0.0.0",
    private: true,
    type: "module",
    dependencies: resolve(dependencies),
    devDependencies: resolve(devDependencies),
  };
  const core = `file:${tarballs.core}`;
  if (manager === "npm") manifest.overrides = { "@polar-kit/core": core };
  else if (manager === "pnpm") manifest.pnpm = { overrides: { "@polar-kit/core": core } };
  else throw new Error(`unknown package manager ${manager}`);
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Installs as a user would: plain `npm install` / `pnpm install`, the manager's default policies. */
export async function install(dir, { manager, env, timeoutMs = 8 * 60_000 }) {
  const args = manager === "npm" ? ["install", "--no-audit", "--no-fund"] : ["install"];
  const output = await run(manager, args, { cwd: dir, env, timeoutMs, label: `${manager} install` });
  checkCoreFromTarball(dir, manager);
  return output;
}

// Every copy of @polar-kit/core in the lockfile must come from a file, never a registry.
export function checkCoreFromTarball(dir, manager) {
  if (manager === "npm") {
    const lock = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8"));
    for (const [where, entry] of Object.entries(lock.packages ?? {})) {
      if (where.endsWith("node_modules/@polar-kit/core") && !String(entry.resolved).startsWith("file:")) {
        throw new StepError(`${where} resolved from ${entry.resolved}, not from our tarball`);
      }
    }
    return;
  }
  const lockfile = path.join(dir, "pnpm-lock.yaml");
  if (!existsSync(lockfile)) throw new StepError("pnpm install wrote no pnpm-lock.yaml");
  for (const match of readFileSync(lockfile, "utf8").matchAll(/@polar-kit\/core@([^\s'"]+)/g)) {
    if (!match[1].startsWith("file:")) throw new StepError(`pnpm-lock.yaml resolves @polar-kit/core@${match[1]}`);
  }
}

/** Writes files relative to the project, creating folders. */
export function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
