// Builds the publishable packages and packs each once per run into a folder outside the
// workspace, exactly what `pnpm publish` would upload.
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { run, StepError } from "./processes.mjs";

export const PUBLISHED = ["core", "hono", "nextjs", "sveltekit", "emulator"];

/** Returns `{ core: "/abs/polar-kit-core-0.1.0.tgz", … }`. */
export async function packPackages({ root, dest, env }) {
  await run("pnpm", ["turbo", "run", "build", "--filter=./packages/*", "--output-logs=errors-only"], {
    cwd: root,
    env,
    timeoutMs: 10 * 60_000,
    label: "build the packages",
  });
  mkdirSync(dest, { recursive: true });
  const tarballs = {};
  for (const name of PUBLISHED) {
    const before = new Set(readdirSync(dest));
    await run("pnpm", ["pack", "--pack-destination", dest], {
      cwd: path.join(root, "packages", name),
      env,
      timeoutMs: 60_000,
      label: `pnpm pack @polar-kit/${name}`,
    });
    const created = readdirSync(dest).filter((file) => file.endsWith(".tgz") && !before.has(file));
    if (created.length !== 1) throw new StepError(`pnpm pack @polar-kit/${name} made ${created.length} tarballs`);
    tarballs[name] = path.join(dest, created[0]);
    await checkNoWorkspaceRanges(tarballs[name], env);
  }
  return tarballs;
}

// pnpm rewrites `workspace:^` to the version when packing; a tarball that still says
// `workspace:` cannot be installed by anyone.
async function checkNoWorkspaceRanges(tarball, env) {
  const manifest = JSON.parse(
    await run("tar", ["xzf", tarball, "-O", "package/package.json"], {
      env,
      timeoutMs: 30_000,
      label: "read manifest",
    }),
  );
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) {
        throw new StepError(`${path.basename(tarball)}: ${field}.${name} is still "${range}"`);
      }
    }
  }
}
