#!/usr/bin/env node
import { parseArgs } from "node:util";
import type { EmulatorOptions, RunningEmulator } from "./server";
import { withoutSqliteWarning } from "./sqlite-warning";

const USAGE = `Usage: polar-kit-emulator [options]

A local, stateful Polar API (polar.sh) with signed webhooks.

Options:
  --port <n>              Port to listen on; 0 picks a free one (default 8787)
  --host <address>        Address to bind (default 127.0.0.1)
  --db <file>             Keep state in a SQLite file between runs (default: in memory)
  --seed demo             Add demo products to a fresh database
  --webhook-url <url>     Deliver every webhook event to this URL
  --webhook-secret <s>    Signing secret of that endpoint (default: a new whsec_…)
  --json                  Print one JSON line when ready: {url, accessToken, webhookSecret, organizationId}
  -h, --help              Show this help

Emulator-only routes: GET/POST /__emulator/clock, POST/GET/DELETE /__emulator/faults.`;

/** A command-line mistake: reported with the usage hint and exit code 2. */
class UsageError extends Error {}

interface Cli {
  options: EmulatorOptions;
  json: boolean;
  help: boolean;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535)
    throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`);
  return port;
}

function parseWebhookUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--webhook-url must be an http(s) URL, not "${value}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--webhook-url must be an http(s) URL, not "${value}"`);
  }
  return value;
}

const FLAGS = {
  port: { type: "string" },
  host: { type: "string" },
  db: { type: "string" },
  seed: { type: "string" },
  "webhook-url": { type: "string" },
  "webhook-secret": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

function parseCli(args: string[]): Cli {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>["values"];
  try {
    ({ values } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.seed !== undefined && values.seed !== "demo") {
    throw new UsageError(`--seed only knows "demo", not "${values.seed}"`);
  }
  if (values["webhook-secret"] !== undefined && values["webhook-url"] === undefined) {
    throw new UsageError("--webhook-secret needs --webhook-url");
  }
  if (values["webhook-secret"] === "") throw new UsageError("--webhook-secret must not be empty");
  if (values.host === "") throw new UsageError("--host must not be empty");
  if (values.db === "") throw new UsageError("--db must name a file");
  return {
    json: values.json,
    help: values.help,
    options: {
      port: parsePort(values.port) ?? 8787,
      host: values.host,
      db: values.db,
      seed: values.seed as "demo" | undefined,
      webhookUrl: parseWebhookUrl(values["webhook-url"]),
      webhookSecret: values["webhook-secret"],
    },
  };
}

function banner(emu: RunningEmulator, options: EmulatorOptions): string {
  const lines = [
    `Polar emulator listening on ${emu.url}`,
    "",
    `  Access token     ${emu.accessToken}`,
    `  Organization     ${emu.organizationId}`,
    `  Database         ${options.db ?? "in memory (use --db <file> to keep state)"}`,
  ];
  if (emu.webhookSecret) {
    lines.push(`  Webhooks         ${options.webhookUrl}`, `  Webhook secret   ${emu.webhookSecret}`);
  }
  lines.push("", `  createPolar({ baseUrl: "${emu.url}", accessToken: "${emu.accessToken}" })`, "", "Ctrl+C to stop.");
  return lines.join("\n");
}

/** Closes the emulator on SIGINT/SIGTERM (in-flight deliveries finish, the database is closed), then exits. */
function closeOnSignals(emu: RunningEmulator): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while closing means "now".
    if (closing) process.exit(1);
    closing = true;
    emu.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`polar-kit-emulator: error while stopping after ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function main(argv: string[]): Promise<void> {
  let cli: Cli;
  try {
    cli = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`polar-kit-emulator: ${error.message}\nRun polar-kit-emulator --help for the options.\n`);
    process.exit(2);
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let emu: RunningEmulator;
  try {
    // Loaded only now: --help and flag mistakes answer without loading SQLite and the spec.
    process.emitWarning = withoutSqliteWarning(process.emitWarning);
    const { startEmulator } = await import("./server");
    emu = await startEmulator(cli.options);
  } catch (error) {
    process.stderr.write(`polar-kit-emulator: could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  closeOnSignals(emu);
  const ready = {
    url: emu.url,
    accessToken: emu.accessToken,
    webhookSecret: emu.webhookSecret ?? null,
    organizationId: emu.organizationId,
  };
  process.stdout.write(cli.json ? `${JSON.stringify(ready)}\n` : `${banner(emu, cli.options)}\n`);
}

await main(process.argv.slice(2));
