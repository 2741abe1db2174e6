// The example apps, as the quick start (scripts/start.mjs) and the browser tests (e2e/) start them:
// each is a built server that takes its port and Polar connection from environment variables
// (PORT, HOST, POLAR_API_URL, POLAR_ACCESS_TOKEN, POLAR_WEBHOOK_SECRET, APP_URL, APP_DATA_DIR).
import { fileURLToPath } from "node:url";

const root = new URL("..", import.meta.url);
const at = (relative) => fileURLToPath(new URL(relative, root));

/** Where Polar's webhooks go, in every app. */
export const WEBHOOK_PATH = "/webhooks/polar";

export const APPS = {
  nextjs: {
    name: "Next.js",
    dir: at("apps/nextjs/"),
    built: at("apps/nextjs/.next/BUILD_ID"),
    command: (port) => [
      process.execPath,
      [at("apps/nextjs/node_modules/next/dist/bin/next"), "start", "--port", String(port), "--hostname", "127.0.0.1"],
    ],
  },
  sveltekit: {
    name: "SvelteKit",
    dir: at("apps/sveltekit/"),
    built: at("apps/sveltekit/build/index.js"),
    // server.js maps APP_URL to adapter-node's ORIGIN, then runs build/index.js.
    command: () => [process.execPath, [at("apps/sveltekit/server.js")]],
  },
  hono: {
    name: "Hono",
    dir: at("apps/hono/"),
    built: at("apps/hono/dist/main.js"),
    command: () => [process.execPath, [at("apps/hono/dist/main.js")]],
  },
};

/** The app `npm start` runs when APP is not set. */
export const DEFAULT_APP = "nextjs";

/**
 * Resolves once `url` answers HTTP at all (any status; redirects are not followed), or quietly as
 * soon as `done()` is true; rejects after `timeoutMs`. `done` may throw to give up early, e.g.
 * when the server being waited for has exited.
 */
export async function waitForHttp(url, { timeoutMs = 30_000, done = () => false } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    try {
      const response = await fetch(url, { redirect: "manual" });
      await response.body?.cancel();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
