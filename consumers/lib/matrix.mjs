// Runs one row: install, build/typecheck, then the test (recorder, emulator, the app, the HTTP
// checks), timing each phase and stopping everything the row started, whatever happened.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { checkApp } from "./checks.mjs";
import { startEmulator } from "./emulator.mjs";
import { consumerEnv, freePort, nodeHome } from "./environment.mjs";
import { run, StepError, startServer, stopAll, within } from "./processes.mjs";
import { startRecorder } from "./recorder.mjs";

const PHASE_MS = { install: 10 * 60_000, build: 5 * 60_000, test: 3 * 60_000 };

/**
 * @param {import("./row.mjs").Row} row
 * @param {{ root: string, work: string, tarballs: Record<string, string>, sharedEmulator: (nodeVersion: string) => Promise<string> }} shared
 */
export async function runRow(row, shared) {
  const result = {
    name: row.name,
    install: undefined,
    build: undefined,
    test: undefined,
    ok: false,
    error: "",
    notes: [],
  };
  const recorder = await startRecorder();
  const servers = []; // what the row started, whose output explains a failed check
  let dir;
  try {
    const home = nodeHome(shared.root, row.node);
    const env = consumerEnv(home);
    dir = path.join(shared.work, row.name);
    const ctx = {
      name: row.name,
      root: shared.root,
      dir,
      tarballs: shared.tarballs,
      nodeHome: home,
      env,
      recorder,
      note: (text) => result.notes.push(text),
      run: (command, args, options = {}) => run(command, args, { cwd: dir, env, timeoutMs: 5 * 60_000, ...options }),
      startServer: async (command, args, options) => {
        const server = await startServer(command, args, { cwd: dir, env, timeoutMs: 60_000, ...options });
        servers.push({ label: options.label ?? command, output: server.output });
        return server;
      },
    };

    // Each phase's seconds are recorded even when it fails.
    const timed = async (phase, step) => {
      const started = performance.now();
      try {
        await within(PHASE_MS[phase], `${row.name}: ${phase}`, step());
      } finally {
        result[phase] = (performance.now() - started) / 1000;
      }
    };
    await timed("install", () => row.install(ctx));
    await timed("build", () => row.build(ctx));
    await timed("test", async () => {
      // On the row's Node.js: from the row's own project, or from the shared install for that version.
      const emulator = await startEmulator(row.ownEmulator ? dir : await shared.sharedEmulator(row.node), {
        env,
        webhookUrl: recorder.tapUrl,
      });
      servers.push({ label: "emulator", output: emulator.output });
      const port = await freePort();
      const appUrl = `http://127.0.0.1:${port}`;
      await row.start(ctx, {
        port,
        appUrl,
        env: {
          POLAR_API_URL: emulator.url,
          POLAR_ACCESS_TOKEN: emulator.accessToken,
          POLAR_WEBHOOK_SECRET: emulator.webhookSecret,
          POLAR_APP_URL: appUrl,
        },
      });
      await checkApp({
        appUrl,
        routes: row.routes,
        signedIn: row.signedIn,
        emulator,
        recorder,
        paidCallback: row.paidCallback,
      });
      // A row may check more of its app (e.g. a second set of routes) once the shared checks passed.
      await row.afterChecks?.(ctx, { appUrl, emulator, recorder });
    });
    result.ok = true;
  } catch (error) {
    result.error = error instanceof StepError ? error.message : (error?.stack ?? String(error));
    for (const server of servers)
      result.error += `\n--- ${server.label} output (end) ---\n${server.output().slice(-2000)}`;
  } finally {
    await stopAll(); // the app, the emulator, and anything a failed step left running
    writeLogs(dir, servers);
    await recorder.close();
  }
  return result;
}

// Each server's whole output, next to the project (kept when a run fails or with --keep).
function writeLogs(dir, servers) {
  if (!dir || !servers.length) return;
  mkdirSync(path.join(dir, "logs"), { recursive: true });
  for (const { label, output } of servers) {
    writeFileSync(path.join(dir, "logs", `${label.replace(/[^\w.-]+/g, "-")}.log`), output());
  }
}
