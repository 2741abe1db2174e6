// The Next.js rows (16, and 15 which the peer range still allows): a fresh App Router app, installed from the registry with our tarballs,
// whose route files are the code blocks of packages/nextjs/README.md, copied verbatim. The matrix
// writes only what a user writes around them: a root layout, `auth()` (their session), the
// orders module the webhook callbacks call, and the product ids they sell.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { noteInstalled } from "./installed.mjs";
import { StepError } from "./processes.mjs";
import { createProject, install, writeFiles } from "./project.mjs";
import { pickReadmeFiles } from "./readme.mjs";
import { parseTsc, typecheck } from "./typecheck.mjs";
import { recordingModule } from "./user-modules.mjs";

const ROUTES = {
  checkout: "app/checkout/route.ts",
  portal: "app/portal/route.ts",
  webhooks: "app/api/webhooks/polar/route.ts",
};
const SESSION_COOKIE = "consumer_session";
const NEXT_ENV = { NEXT_TELEMETRY_DISABLED: "1" };

/**
 * A row for `next` (a range, default ^16) with the README routes in `runtime` ("nodejs" or
 * "edge"), type-checked with `typescript` (a range).
 */
export function nextRow({ name, node, runtime, typescript, next = "^16" }) {
  return {
    name,
    node,
    routes: { checkout: "/checkout", portal: "/portal", webhooks: "/api/webhooks/polar" },
    signedIn: (userId) => ({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(userId)}` }),
    paidCallback: "markPaid",

    async install(ctx) {
      createProject(ctx.dir, {
        manager: "npm",
        tarballs: ctx.tarballs,
        dependencies: { "@polar-kit/nextjs": { tarball: "nextjs" }, next, react: "^19", "react-dom": "^19" },
        devDependencies: {
          typescript,
          "@types/node": "^22",
          "@types/react": "^19",
          "@types/react-dom": "^19",
        },
      });
      const readme = path.join(ctx.root, "packages/nextjs/README.md");
      const routes = pickReadmeFiles(readme, Object.values(ROUTES));
      if (runtime === "edge") {
        for (const file of Object.keys(routes)) routes[file] += '\nexport const runtime = "edge";\n';
      }
      writeFiles(ctx.dir, { ...scaffold(), ...userModules(ctx.recorder.recordUrl), ...routes });
      await install(ctx.dir, { manager: "npm", env: { ...ctx.env, ...NEXT_ENV } });
      // Next.js downloads its SWC compiler when the platform's package is missing; here the
      // registry's optional dependency must have provided it.
      const swc = `node_modules/@next/swc-${process.platform}-${process.arch}-gnu`;
      if (!existsSync(path.join(ctx.dir, swc))) throw new StepError(`npm install left no ${swc}`);
      noteInstalled(ctx, ["next", "react", "typescript", "@polar-kit/nextjs"]);
    },

    async build(ctx) {
      const env = { ...ctx.env, ...NEXT_ENV };
      // next-env.d.ts and the route types, as Next.js documents for a type-check outside `next build`
      // (without its ambient declarations, Next's own .d.ts files fail `skipLibCheck: false`).
      await ctx.run("node_modules/.bin/next", ["typegen"], { env, label: "next typegen" });
      await typecheck(ctx, {
        label: "tsc --noEmit (skipLibCheck: false)",
        command: "node_modules/.bin/tsc",
        args: ["--noEmit", "--pretty", "false", "-p", "."],
        parse: parseTsc,
      });
      await ctx.run("node_modules/.bin/next", ["build"], { env, label: "next build" });
      checkRuntime(ctx.dir, runtime);
    },

    async start(ctx, app) {
      const productIds = await listProductIds(app.env);
      await ctx.startServer(
        "node_modules/.bin/next",
        ["start", "--port", String(app.port), "--hostname", "127.0.0.1"],
        {
          env: { ...ctx.env, ...NEXT_ENV, ...app.env, CONSUMER_PRODUCT_IDS: productIds.join(",") },
          label: "next start",
          ready: (output) => /Ready in/.test(output),
        },
      );
    },
  };
}

// What `create-next-app` would have written, trimmed to what route handlers need, with the strict
// settings the matrix checks under.
function scaffold() {
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      lib: ["dom", "dom.iterable", "esnext"],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      esModuleInterop: true,
      module: "esnext",
      moduleResolution: "bundler",
      resolveJsonModule: true,
      isolatedModules: true,
      jsx: "react-jsx",
      plugins: [{ name: "next" }],
      paths: { "@/*": ["./*"] },
    },
    include: ["next-env.d.ts", "**/*.ts", "**/*.tsx", ".next/types/**/*.ts", ".next/dev/types/**/*.ts"],
    exclude: ["node_modules"],
  };
  return {
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    "app/layout.tsx": [
      "export default function RootLayout({ children }: { children: React.ReactNode }) {",
      '  return (<html lang="en"><body>{children}</body></html>);',
      "}",
      "",
    ].join("\n"),
    "app/page.tsx": "export default function Home() {\n  return <p>consumer matrix</p>;\n}\n",
  };
}

// The modules the README examples import from the user's app.
function userModules(recordUrl) {
  return {
    // A session stand-in shaped like Auth.js's `auth()`: the signed-in user's id is the cookie.
    "auth.ts": [
      "// Written by the consumer matrix: stands for the app's session (e.g. Auth.js).",
      'import { cookies } from "next/headers";',
      "",
      "export async function auth(): Promise<{ user: { id: string } } | null> {",
      `  const id = (await cookies()).get(${JSON.stringify(SESSION_COOKIE)})?.value;`,
      "  return id ? { user: { id } } : null;",
      "}",
      "",
    ].join("\n"),
    "lib/orders.ts": recordingModule(recordUrl, {
      markPaid: "orderId: string",
      endAccess: "customerId: string",
      saveKey: "grant: { customer_id: string }",
      dropKey: "grant: { customer_id: string }",
    }),
    // Read when the server starts: the matrix learns the emulator's product ids only then.
    "lib/catalog.ts": [
      "// Written by the consumer matrix: the Polar product ids this app sells.",
      'export const productIds: string[] = (process.env.CONSUMER_PRODUCT_IDS ?? "").split(",").filter(Boolean);',
      "",
    ].join("\n"),
  };
}

// The build's own record of which routes it compiled for the Edge runtime, so the edge row cannot
// pass on Node.js (or the node row on Edge) unnoticed.
function checkRuntime(dir, runtime) {
  const manifest = JSON.parse(readFileSync(path.join(dir, ".next/server/middleware-manifest.json"), "utf8"));
  const onEdge = new Set(Object.keys(manifest.functions ?? {}));
  for (const file of Object.values(ROUTES)) {
    const entry = `/${file.replace(/^app\//, "").replace(/\.ts$/, "")}`;
    if (onEdge.has(entry) !== (runtime === "edge")) {
      throw new StepError(`next build: ${file} was built for ${onEdge.has(entry) ? "edge" : "nodejs"}, not ${runtime}`);
    }
  }
}

async function listProductIds(env) {
  const response = await fetch(`${env.POLAR_API_URL}/v1/products/?limit=100`, {
    headers: { authorization: `Bearer ${env.POLAR_ACCESS_TOKEN}` },
  });
  if (!response.ok) throw new StepError(`emulator GET /v1/products/: ${response.status} ${await response.text()}`);
  const { items } = await response.json();
  return items.map((product) => product.id);
}
