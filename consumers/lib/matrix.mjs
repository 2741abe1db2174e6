// Runs one row: install, build/typecheck, then the test (recorder, emulator, the app, the HTTP
// checks), timing each phase and stopping everything the row started, whatever happened.
import path from "node:path";
import { checkApp } from "./checks.mjs";
import { startEmulator } from "./emulator.mjs";
import { consumerEnv, freePort, nodeHome } from "./environment.mjs";
import { run, StepError, startServer, stopAll, within } from "./processes.mjs";
import { startRecorder } from "./recorder.mjs";

const PHASE_MS = { install: 10 * 60_000, build: 5 * 60_000, test: 3 * 60_000 };

/**
 * @param {import("./row.mjs").Row} row
 * @param {{ root: string, work: string, tarballs: Record<string, string>, sharedEmulator: () => Promise<string> }} shared
 */
export async function runRow(row, shared) {
  const result = { name: row.name, install: undefined, build: undefined, test: undefined, ok: false, error: "" };
  const recorder = await startRecorder();
  try {
    const home = nodeHome(shared.root, row.node);
    const env = consumerEnv(home);
    const dir = path.join(shared.work, row.name);
    const ctx = {
      name: row.name,
      root: shared.root,
      dir,
      tarballs: shared.tarballs,
      nodeHome: home,
      env,
      recorder,
      run: (command, args, options = {}) => run(command, args, { cwd: dir, env, timeoutMs: 5 * 60_000, ...options }),
      startServer: (command, args, options) =>
        startServer(command, args, { cwd: dir, env, timeoutMs: 60_000, ...options }),
    };

    result.install = await timed(PHASE_MS.install, `${row.name}: install`, () => row.install(ctx));
    result.build = await timed(PHASE_MS.build, `${row.name}: build`, () => row.build(ctx));
    result.test = await timed(PHASE_MS.test, `${row.name}: test`, async () => {
      const emulator = await startEmulator(row.ownEmulator ? dir : await shared.sharedEmulator(), {
        env,
        webhookUrl: recorder.tapUrl,
      });
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
    });
    result.ok = true;
  } catch (error) {
    result.error = error instanceof StepError ? error.message : (error?.stack ?? String(error));
  } finally {
    await stopAll(); // the app, the emulator, and anything a failed step left running
    await recorder.close();
  }
  return result;
}

async function timed(timeoutMs, label, step) {
  const started = performance.now();
  await within(timeoutMs, label, step());
  return (performance.now() - started) / 1000;
}
