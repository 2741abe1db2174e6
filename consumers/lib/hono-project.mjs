// What the Hono rows share: the files of a Hono user's project (the README's blocks verbatim,
// the user modules they import), its tsconfig per runtime, and the routes the checks call.
import path from "node:path";
import { StepError } from "./processes.mjs";
import { createProject, install, writeFiles } from "./project.mjs";
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

/**
 * The README's one-line command titled `title` (```sh title="bun.sh"), as arguments after its
 * program, which must be `program`: the row runs what the README tells users to run.
 */
export function readmeCommand(ctx, title, program) {
  const command = pickReadmeFiles(path.join(ctx.root, HONO_README), [title])[title].trim();
  const [first, ...args] = command.split(/\s+/);
  if (first !== program || command.includes("\n")) {
    throw new StepError(`${HONO_README} "${title}" is not one ${program} command: ${command}`);
  }
  return args;
}

/** Notes the versions a row ran with (`[label, command, args]`), so the table says what was tested. */
export async function noteVersions(ctx, commands) {
  const versions = [];
  for (const [label, command, args] of commands) {
    const output = await ctx.run(command, args, { timeoutMs: 30_000, label: `${label} version` });
    const version = output.trim().split("\n")[0];
    versions.push(version.toLowerCase().startsWith(label) ? version : `${label} ${version}`);
  }
  ctx.note(versions.join(", "));
}

/** The routes of the README's app, and how its session cookie signs a user in. */
export const honoRoutes = {
  routes: { checkout: "/checkout", portal: "/portal", webhooks: "/webhooks/polar" },
  signedIn: (userId) => ({ cookie: `session=${userId}` }),
  paidCallback: "markPaid",
};

/** A program installed in the row's project (`node_modules/.bin/<name>`). */
export const bin = (ctx, name) => path.join(ctx.dir, "node_modules/.bin", name);

/**
 * A fresh project with our packed Hono adapter, `hono`, the row's `dependencies` and
 * `devDependencies` and `files` (tsconfig included), installed with `manager`; then notes the
 * versions of `tools` (programs in `.bin`, or `node`).
 */
export async function installHonoProject(ctx, { manager = "npm", dependencies = {}, devDependencies, files, tools }) {
  createProject(ctx.dir, {
    manager,
    tarballs: ctx.tarballs,
    dependencies: { "@polar-kit/hono": { tarball: "hono" }, hono: "^4", ...dependencies },
    devDependencies,
  });
  writeFiles(ctx.dir, files);
  await install(ctx.dir, { manager, env: ctx.env });
  await noteVersions(
    ctx,
    tools.map((tool) => [tool, tool === "node" ? "node" : bin(ctx, tool), ["--version"]]),
  );
}

/** `tsc --noEmit` over the project, with the row's tsconfig. */
export async function typecheckProject(ctx) {
  await ctx.run(bin(ctx, "tsc"), ["--noEmit", "-p", "tsconfig.json"], { label: "tsc --noEmit" });
}
