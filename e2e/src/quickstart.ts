// `npm start`'s second half, scripts/start.mjs, as a person runs it: it starts the emulator and
// the chosen store wired together, prints where to go, and one SIGINT (Ctrl-C) stops both.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { APPS, WEBHOOK_PATH } from "../../scripts/apps.mjs";
import { type Child, freePort, startChild } from "./launch.js";

const START = fileURLToPath(new URL("../../scripts/start.mjs", import.meta.url));

export function describeQuickstart(key: keyof typeof APPS): void {
  let child: Child | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    await child?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`APP=${key} starts the emulator and the ${APPS[key].name} store wired together, and Ctrl-C stops both`, async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    dataDir = await mkdtemp(join(tmpdir(), `example-${key}-quickstart-`));
    const started = startChild(process.execPath, [START], {
      env: {
        ...process.env,
        APP: key,
        PORT: String(port),
        EMULATOR_PORT: String(emulatorPort),
        APP_DATA_DIR: dataDir,
      },
    });
    child = started;
    await new Promise<void>((resolve, reject) => {
      const check = () => (started.output().includes("Ctrl-C stops both") ? resolve() : undefined);
      started.process.stdout?.on("data", check);
      started.process.once("exit", (code) =>
        reject(new Error(`start.mjs exited (${code}) before it was ready:\n${started.output()}`)),
      );
    });

    const output = started.output();
    const store = `http://127.0.0.1:${port}`;
    expect(output).toContain(`Store       ${store}`);
    expect(output).toContain(`Emulator    http://127.0.0.1:${emulatorPort}`);
    // The token and the webhook secret stay out of the output.
    expect(output).not.toMatch(/polar_oat_|whsec_/);

    const home = await fetch(store);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain("Demo Monthly Subscription");
    // The store has the emulator's webhook secret: an unsigned delivery is refused (403), not a 500.
    const webhook = await fetch(`${store}${WEBHOOK_PATH}`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(403);

    const exited = new Promise<number | null>((resolve) => started.process.once("exit", resolve));
    started.process.kill("SIGINT");
    expect(await exited).toBe(0);
    await expect(fetch(store)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${emulatorPort}/`)).rejects.toThrow();
  });
}
