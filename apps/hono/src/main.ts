// `npm start`: the store on Node.js, configured from environment variables.
import { ConfigError, configFromEnv } from "./config.js";
import { startServer } from "./server.js";

function fail(message: string): never {
  process.stderr.write(`example-hono: ${message}\n`);
  process.exit(2);
}

let config: ReturnType<typeof configFromEnv>;
try {
  config = configFromEnv(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(error.message);
}
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail("PORT must be a number from 0 to 65535");

let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer({ port, hostname: process.env.HOST || "127.0.0.1", config });
} catch (error) {
  fail(`could not start: ${(error as Error).message}`);
}
// Addresses only: the token and the webhook secret are never printed.
const polar = config.polar.baseUrl ?? `Polar ${config.polar.server}`;
const publicUrl = config.appUrl && config.appUrl !== server.url ? ` (public URL ${config.appUrl})` : "";
console.log(`Store listening on ${server.url}${publicUrl}`);
console.log(`  Polar API   ${polar}`);
console.log(`  Webhooks    ${config.appUrl ?? server.url}/webhooks/polar`);
console.log(`  Data        ${config.dataDir}`);

let stopping = false;
const stop = () => {
  // A second Ctrl-C while closing means "now".
  if (stopping) process.exit(1);
  stopping = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
