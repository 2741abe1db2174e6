// The quick start's second half (scripts/start.sh installs and builds first): starts the Polar
// emulator seeded with demo products, then an example app wired to it, prints where to go, and
// stops both on Ctrl-C. `APP=nextjs|sveltekit|hono` picks the app (scripts/apps.mjs); `PORT` and `EMULATOR_PORT` move them;
// `APP_DATA_DIR` keeps the app's data somewhere else (and is then not wiped at start).
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { APPS, DEFAULT_APP, WEBHOOK_PATH, waitForHttp } from "./apps.mjs";

const rootUrl = new URL("..", import.meta.url);
const root = fileURLToPath(rootUrl);
const path = (relative) => fileURLToPath(new URL(relative, rootUrl));

function fail(message) {
  process.stderr.write(`start: ${message}\n`);
  process.exit(1);
}

// Read once, here: this script runs from `npm start`, not as a turbo task.
const { APP, PORT, EMULATOR_PORT, APP_DATA_DIR } = process.env;
const appName = APP || DEFAULT_APP;
const app = APPS[appName];
if (!app) fail(`APP=${appName} is not one of: ${Object.keys(APPS).join(", ")}`);
const emulatorCli = path("packages/emulator/dist/cli.js");
for (const file of [emulatorCli, app.built]) {
  if (!existsSync(file)) fail(`${file} is missing: run \`npm start\` (scripts/start.sh), which builds it`);
}
const appPort = Number(PORT || 3000);
const emulatorPort = Number(EMULATOR_PORT || 8787);
const appUrl = `http://127.0.0.1:${appPort}`;

const children = new Set();
let stopping = false;

/** Starts a long-running child in its own process group, so one Ctrl-C reaches it once, through us. */
function start(command, args, options) {
  const child = spawn(command, args, { cwd: root, detached: true, ...options });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) {
      process.stderr.write(`start: ${options.label} stopped (${signal ?? `exit code ${code}`}); stopping the rest\n`);
      stop(1);
    } else if (!children.size) process.exit(process.exitCode ?? 0);
  });
  return child;
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  if (!children.size) process.exit(code);
  for (const child of children) child.kill("SIGTERM");
  // Servers close in well under a second; do not hang on one that does not.
  setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
    process.exit(code || 1);
  }, 10_000).unref();
}

// npm and the terminal may both deliver a Ctrl-C: the first one stops, the rest are ignored.
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** The emulator's `--json` line: url, accessToken, webhookSecret, organizationId. */
function readReadyLine(child) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`the emulator printed ${JSON.stringify(line)} instead of its --json line`));
      }
      // Anything it prints later goes to our output.
      lines.on("line", (more) => process.stdout.write(`${more}\n`));
    });
    child.once("exit", () => reject(new Error("the emulator exited before it was ready")));
  });
}

const emulator = start(
  process.execPath,
  [
    emulatorCli,
    "--port",
    String(emulatorPort),
    "--seed",
    "demo",
    "--webhook-url",
    `${appUrl}${WEBHOOK_PATH}`,
    "--json",
  ],
  { label: "the emulator", stdio: ["ignore", "pipe", "inherit"] },
);
let ready;
try {
  ready = await readReadyLine(emulator);
} catch (error) {
  fail(error.message);
}

// The app's data is fresh on every start, since the emulator keeps its state in memory: orders of a
// previous run would point at nothing. Only the default folder is wiped: an APP_DATA_DIR is the caller's.
const dataDir = APP_DATA_DIR || path(`.data/${appName}`);
if (!APP_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
const [command, args] = app.command(appPort);
start(command, args, {
  label: `the ${app.name} app`,
  cwd: app.dir,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    POLAR_API_URL: ready.url,
    POLAR_ACCESS_TOKEN: ready.accessToken,
    POLAR_WEBHOOK_SECRET: ready.webhookSecret,
    NODE_ENV: "production",
    PORT: String(appPort),
    HOST: "127.0.0.1",
    APP_URL: appUrl,
    APP_DATA_DIR: dataDir,
  },
});
try {
  // Ctrl-C while waiting ends the wait: stop() is already under way.
  await waitForHttp(appUrl, { done: () => stopping });
} catch (error) {
  process.stderr.write(`start: ${error.message}\n`);
  stop(1);
}
if (!stopping) {
  process.stdout.write(`
polar-kit quick start: the ${app.name} example store on a local Polar emulator

  Store       ${appUrl}          <- open this: sign in, buy, see /account
  Emulator    ${ready.url}          the Polar API, hosted checkout and webhooks
  Test cards  4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined (any future expiry, any CVC)

${APP_DATA_DIR ? "" : "Data is fresh on every start. "}Ctrl-C stops both.
`);
}
