// `npm start`'s second half, scripts/start.mjs, as a person runs it: it starts the emulator and
// the store wired together, prints where to go, and one SIGINT (Ctrl-C) stops both.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const START = fileURLToPath(new URL("../../../scripts/start.mjs", import.meta.url));

/** A port nothing listens on right now (the quick start takes fixed ports, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((resolve) => child?.once("exit", resolve));
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it("starts the emulator and the store wired together, and Ctrl-C stops both", async () => {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  dataDir = await mkdtemp(join(tmpdir(), "example-hono-quickstart-"));
  const started = spawn(process.execPath, [START], {
    env: {
      ...process.env,
      APP: "hono",
      PORT: String(port),
      EMULATOR_PORT: String(emulatorPort),
      APP_DATA_DIR: dataDir,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = started;
  let output = "";
  started.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  started.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const check = () => (output.includes("Ctrl-C stops both") ? resolve() : undefined);
    started.stdout?.on("data", check);
    started.once("exit", (code) => reject(new Error(`start.mjs exited (${code}) before it was ready:\n${output}`)));
  });

  const store = `http://127.0.0.1:${port}`;
  expect(output).toContain(`Store       ${store}`);
  expect(output).toContain(`Emulator    http://127.0.0.1:${emulatorPort}`);
  // The token and the webhook secret stay out of the output.
  expect(output).not.toMatch(/polar_oat_|whsec_/);

  const home = await fetch(store);
  expect(home.status).toBe(200);
  expect(await home.text()).toContain("Demo Monthly Subscription");
  // The store has the emulator's webhook secret: an unsigned delivery is refused (403), not a 500.
  const webhook = await fetch(`${store}/webhooks/polar`, { method: "POST", body: "{}" });
  expect(webhook.status).toBe(403);

  const exited = new Promise<number | null>((resolve) => started.once("exit", resolve));
  started.kill("SIGINT");
  expect(await exited).toBe(0);
  await expect(fetch(store)).rejects.toThrow();
  await expect(fetch(`http://127.0.0.1:${emulatorPort}/`)).rejects.toThrow();
});
