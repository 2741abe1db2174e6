// Minified + gzipped size of a module that only verifies a webhook, per library. Bundled as for an
// edge runtime (platform neutral, no `node` condition), so ours is the WebCrypto build.
// Run after `pnpm --filter @polar-kit/core build`: `node bench/webhooks-size.mjs`.
import { bundleSize } from "./size.mjs";

const BUDGET = 1400;

const contenders = {
  "@polar-kit/core/webhooks verifyWebhook": `import { verifyWebhook } from "@polar-kit/core/webhooks";
export const run = (body, headers, secret) => verifyWebhook({ body, headers, secret });`,
  "@polar-sh/sdk 1.0.1 webhooks.validateEvent": `import { webhooks } from "@polar-sh/sdk/2026-04";
export const run = (body, headers, secret) => webhooks.validateEvent(body, headers, secret);`,
  "@polar-sh/sdk 0.47.1 validateEvent": `import { validateEvent } from "polar-sdk-047/webhooks";
export const run = (body, headers, secret) => validateEvent(body, headers, secret);`,
  "standardwebhooks Webhook#verify (no types, no parsing per type)": `import { Webhook } from "standardwebhooks";
export const run = (body, headers, secret) => new Webhook(secret).verify(body, headers);`,
};

console.log("A module that imports only the verifier and calls it: esbuild --bundle --minify --format=esm");
console.log(`--platform=neutral, then gzip -9. Budget for ours: ${BUDGET} bytes gzipped.\n`);
console.log("| contender | minified (bytes) | gzipped (bytes) |\n|---|---:|---:|");
for (const [name, code] of Object.entries(contenders)) {
  try {
    const { min, gz } = await bundleSize(code);
    const flag = name.startsWith("@polar-kit") ? (gz <= BUDGET ? " (within budget)" : " (OVER BUDGET)") : "";
    console.log(`| ${name} | ${min.toLocaleString("en-US")} | ${gz.toLocaleString("en-US")}${flag} |`);
  } catch (error) {
    console.log(`| ${name} | failed: ${error.message.split("\n")[0]} | |`);
  }
}
