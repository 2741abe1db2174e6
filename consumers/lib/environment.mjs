// The environment each consumer runs in: the row's Node.js first on PATH (other versions come
// from the npm registry through scripts/ensure-node.sh), and nothing of ours leaking in: no
// POLAR_* from the developer's shell, no npm_* settings from a pnpm script that started us.
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

/** The folder of Node.js `version` (`bin/node`, `include/node`), installed into .tools/ when missing. */
export function nodeHome(root, version) {
  const script = `. "${path.join(root, "scripts/ensure-node.sh")}" >/dev/null; node_home ${version}`;
  return execFileSync("bash", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** `process.env` without POLAR_* and npm_* (but the npm cache and pnpm store folders), with `home/bin` first on PATH and headers for native addons. */
export function consumerEnv(home, extra = {}) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    const cacheSetting = name === "npm_config_cache" || name === "npm_config_store_dir"; // CI may point them at its cache
    if (cacheSetting || !/^(POLAR_|npm_|PNPM_|pnpm_|INIT_CWD$|NODE_OPTIONS$)/.test(name)) env[name] = value;
  }
  env.PATH = `${path.join(home, "bin")}${path.delimiter}${process.env.PATH}`;
  env.npm_config_nodedir = home;
  env.npm_config_update_notifier = "false";
  return { ...env, ...extra };
}

/** A port nobody listens on right now (the app's; the emulator takes `--port 0` itself). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
