// The packed emulator, installed as a user would (`npm install @polar-kit/emulator`) and started
// with `npx polar-kit-emulator` on a free port.
import path from "node:path";
import { startServer } from "./processes.mjs";
import { createProject, install } from "./project.mjs";

/** A fresh project holding only the emulator; returns its folder (the `npx` working directory). */
export async function installEmulator(dir, { tarballs, env, manager = "npm" }) {
  createProject(dir, { manager, tarballs, dependencies: { "@polar-kit/emulator": { tarball: "emulator" } } });
  await install(dir, { manager, env });
  return dir;
}

/**
 * Starts `npx polar-kit-emulator --port 0 --seed demo --webhook-url … --json` in `dir` and
 * resolves with its JSON line: `{ url, accessToken, webhookSecret, organizationId, stop }`.
 */
export async function startEmulator(dir, { env, webhookUrl, timeoutMs = 60_000 }) {
  const args = ["polar-kit-emulator", "--port", "0", "--seed", "demo", "--webhook-url", webhookUrl, "--json"];
  const server = await startServer("npx", args, {
    cwd: dir,
    env,
    timeoutMs,
    label: `npx polar-kit-emulator (in ${path.basename(dir)})`,
    ready: (output) => {
      const line = output.split("\n").find((text) => text.startsWith("{") && text.includes('"accessToken"'));
      return line ? JSON.parse(line) : undefined;
    },
  });
  return { ...server.ready, stop: server.stop, output: server.output };
}
