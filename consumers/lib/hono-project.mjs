// What the Hono rows share: the files of a Hono user's project (the README's blocks verbatim,
// the user modules they import), its tsconfig per runtime, and the routes the checks call.
import path from "node:path";
import { pickReadmeFiles } from "./readme.mjs";
import { recordingModule } from "./user-modules.mjs";

export const HONO_README = "packages/hono/README.md";

// The app's sign-in, reduced to a cookie naming the user: what the README's `./session.ts` stands for.
const SESSION_MODULE = `// Written by the consumer matrix: the app's sign-in, reduced to a cookie naming the user.
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";

export const session = createMiddleware<{ Variables: { user?: { id: string } } }>(async (c, next) => {
  const id = getCookie(c, "session");
  if (id) c.set("user", { id });
  await next();
});
`;

/** The README's blocks named in `titles`, plus `orders.ts` and `session.ts`, as `{ file: text }`. */
export function honoFiles(ctx, titles) {
  return {
    ...pickReadmeFiles(path.join(ctx.root, HONO_README), titles),
    "orders.ts": recordingModule(ctx.recorder.recordUrl, { markPaid: "orderId: string" }),
    "session.ts": SESSION_MODULE,
  };
}

/**
 * A strict tsconfig for `tsc --noEmit` over the project's own files, checking every declaration
 * file too. `resolution` is "nodenext" (Node) or "bundler" (Bun, Deno, wrangler); without
 * `lib`, TypeScript's default for the target (which includes the DOM, as Hono's types expect).
 */
export function tsconfig({ resolution, types, lib }) {
  const compilerOptions = {
    target: "es2023",
    ...(lib ? { lib } : {}),
    module: resolution === "nodenext" ? "nodenext" : "esnext",
    moduleResolution: resolution,
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    types,
  };
  return `${JSON.stringify({ compilerOptions, include: ["*.ts"] }, null, 2)}\n`;
}

/** The routes of the README's app, and how its session cookie signs a user in. */
export const honoRoutes = {
  routes: { checkout: "/checkout", portal: "/portal", webhooks: "/webhooks/polar" },
  signedIn: (userId) => ({ cookie: `session=${userId}` }),
  paidCallback: "markPaid",
};
