// The SvelteKit rows: a fresh app on SvelteKit 2 or 3 with adapter-node, installed from the
// registry with our tarballs, whose routes, hook and app.d.ts are the code blocks of
// packages/sveltekit/README.md, copied verbatim (on Kit 2, with the README's Kit 2 variant of the
// blocks it names). The matrix writes only what a user writes around them: the Vite/Svelte
// config, app.html, the auth hook and the orders module the examples import.
//
// The shared checks run against the hook's routes (`/polar/…`, which take a GET and a POST
// checkout); `routes-checks.mjs` then checks the README's `+server.ts` routes of the same app.
import path from "node:path";
import { noteInstalled } from "./installed.mjs";
import { createProject, install, writeFiles } from "./project.mjs";
import { pickReadmeFiles } from "./readme.mjs";
import { pickReadmeFilesByComment } from "./readme-paths.mjs";
import { checkServerRoutes } from "./routes-checks.mjs";
import { parseSvelteCheck, parseTsc, typecheck } from "./typecheck.mjs";
import { recordingModule } from "./user-modules.mjs";

const SESSION_COOKIE = "consumer_session";
const SHARED_BLOCKS = [
  "src/app.d.ts",
  "src/hooks.server.ts",
  "src/routes/checkout/+server.ts",
  "src/routes/portal/+server.ts",
  "src/routes/webhooks/polar/+server.ts",
  "src/routes/subscribe/+server.ts",
];

const KITS = {
  2: {
    devDependencies: {
      "@sveltejs/kit": "^2",
      "@sveltejs/adapter-node": "^5",
      "@sveltejs/vite-plugin-svelte": "^6",
      vite: "^7",
    },
    // The README's own blocks, plus its Kit 2 variant of the environment module.
    blocks: (readme) => ({
      ...pickReadmeFiles(readme, SHARED_BLOCKS),
      ...pickReadmeFilesByComment(readme, ["src/lib/server/polar.ts"]),
    }),
    handleImport: 'import type { Handle } from "@sveltejs/kit";',
    // Kit 2's config file, as `sv create` wrote it for Kit 2 apps.
    config: {
      "svelte.config.js": [
        'import adapter from "@sveltejs/adapter-node";',
        'import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";',
        "",
        "export default { preprocess: vitePreprocess(), kit: { adapter: adapter() } };",
        "",
      ].join("\n"),
      "vite.config.ts": [
        'import { sveltekit } from "@sveltejs/kit/vite";',
        'import { defineConfig } from "vite";',
        "",
        "export default defineConfig({ plugins: [sveltekit()] });",
        "",
      ].join("\n"),
    },
    tsconfigBase: "./.svelte-kit/tsconfig.json",
  },
  3: {
    devDependencies: {
      "@sveltejs/kit": "^3",
      "@sveltejs/adapter-node": "^6",
      "@sveltejs/vite-plugin-svelte": "^7",
      vite: "^8",
    },
    blocks: (readme) => pickReadmeFiles(readme, [...SHARED_BLOCKS, "src/env.ts", "src/lib/server/polar.ts"]),
    handleImport: 'import type { Handle } from "@sveltejs/kit/hooks";',
    // Kit 3 refuses svelte.config.js: the configuration goes to the Vite plugin.
    config: {
      "vite.config.ts": [
        'import adapter from "@sveltejs/adapter-node";',
        'import { sveltekit } from "@sveltejs/kit/vite";',
        'import { defineConfig } from "vite";',
        "",
        "export default defineConfig({ plugins: [sveltekit({ adapter: adapter() })] });",
        "",
      ].join("\n"),
    },
    tsconfigBase: "$app/tsconfig",
  },
};

/** A row for SvelteKit `major` (2 or 3) with adapter-node, run by `node build`, type-checked with `typescript` (a range). */
export function svelteKitRow({ name, node, major, typescript }) {
  const kit = KITS[major];
  return {
    name,
    node,
    routes: { checkout: "/polar/checkout", portal: "/polar/portal", webhooks: "/polar/webhooks" },
    signedIn: (userId) => ({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(userId)}` }),
    paidCallback: "markPaid",

    async install(ctx) {
      createProject(ctx.dir, {
        manager: "npm",
        tarballs: ctx.tarballs,
        dependencies: { "@polar-kit/sveltekit": { tarball: "sveltekit" } },
        devDependencies: {
          ...kit.devDependencies,
          svelte: "^5",
          "svelte-check": "^4",
          typescript,
          "@types/node": "^22",
        },
      });
      const blocks = kit.blocks(path.join(ctx.root, "packages/sveltekit/README.md"));
      writeFiles(ctx.dir, {
        ...kit.config,
        ...scaffold(kit.tsconfigBase),
        ...userModules(ctx.recorder.recordUrl, kit.handleImport),
        ...blocks,
      });
      await install(ctx.dir, { manager: "npm", env: ctx.env });
      noteInstalled(ctx, [...Object.keys(kit.devDependencies), "svelte", "typescript", "svelte-check"]);
    },

    async build(ctx) {
      // Writes the generated types and the tsconfig the app's extends, as `npm run check` does.
      await ctx.run("node_modules/.bin/svelte-kit", ["sync"], { label: "svelte-kit sync" });
      await typecheck(ctx, {
        label: "tsc --noEmit (skipLibCheck: false)",
        command: "node_modules/.bin/tsc",
        args: ["--noEmit", "--pretty", "false", "-p", "."],
        parse: parseTsc,
      });
      await typecheck(ctx, {
        label: "svelte-check (skipLibCheck: false)",
        command: "node_modules/.bin/svelte-check",
        args: ["--tsconfig", "./tsconfig.json", "--output", "machine", "--fail-on-warnings"],
        parse: parseSvelteCheck,
      });
      await ctx.run("node_modules/.bin/vite", ["build"], { label: "vite build" });
    },

    async start(ctx, app) {
      await ctx.startServer("node", ["build"], {
        // adapter-node reads HOST, PORT and ORIGIN; the app's variables come from the environment.
        env: { ...ctx.env, ...app.env, HOST: "127.0.0.1", PORT: String(app.port), ORIGIN: app.appUrl },
        label: "node build",
        ready: (output) => /Listening on/.test(output),
      });
    },

    // The README's `+server.ts` routes, once the shared checks passed on the hook's routes.
    async afterChecks(_ctx, checked) {
      await checkServerRoutes({
        ...checked,
        routes: {
          checkout: "/checkout",
          subscribe: "/subscribe",
          portal: "/portal",
          webhooks: "/webhooks/polar",
        },
        signedIn: this.signedIn,
        paidCallback: this.paidCallback,
      });
    },
  };
}

function scaffold(tsconfigBase) {
  const tsconfig = {
    extends: tsconfigBase,
    compilerOptions: { strict: true, skipLibCheck: false },
  };
  return {
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    "src/app.html": [
      "<!doctype html>",
      '<html lang="en">',
      "  <head>",
      '    <meta charset="utf-8" />',
      "    %sveltekit.head%",
      "  </head>",
      '  <body data-sveltekit-preload-data="hover">',
      "    <div>%sveltekit.body%</div>",
      "  </body>",
      "</html>",
      "",
    ].join("\n"),
    "src/routes/+page.svelte": "<h1>consumer matrix</h1>\n",
  };
}

// The modules the README examples import from the user's app.
function userModules(recordUrl, handleImport) {
  const orders = recordingModule(recordUrl, { markPaid: "orderId: string" });
  return {
    // A session stand-in: the signed-in user's id is the cookie.
    "src/lib/server/auth.ts": [
      "// Written by the consumer matrix: stands for the app's auth hook.",
      handleImport,
      "",
      "export const authHandle: Handle = ({ event, resolve }) => {",
      `  const id = event.cookies.get(${JSON.stringify(SESSION_COOKIE)});`,
      "  event.locals.user = id ? { id } : undefined;",
      "  return resolve(event);",
      "};",
      "",
    ].join("\n"),
    "src/lib/server/orders.ts": [
      'import type { WebhookEventOf } from "@polar-kit/sveltekit";',
      "",
      orders,
      "// The hook's order.paid callback, defined apart from its config.",
      'export async function onOrderPaid(payload: WebhookEventOf<"order.paid">): Promise<void> {',
      "  await markPaid(payload.data.id);",
      "}",
      "",
    ].join("\n"),
  };
}
