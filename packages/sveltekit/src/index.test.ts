import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Handle, RequestEvent } from "@sveltejs/kit";
import { build } from "vite";
import { describe, expect, expectTypeOf, it } from "vitest";
import { adapterSuite } from "../../emulator/test/adapter-suite";
import { CustomerPortal, polarHandle, Webhooks } from "./index";

// Builds the fixture app once and serves requests through SvelteKit's real Server: real hooks,
// real `resolve`, real `RequestEvent`s.
const fixture = resolve(import.meta.dirname, "../test/fixture");
async function startFixture() {
  await rm(resolve(fixture, ".svelte-kit"), { recursive: true, force: true });
  // SvelteKit reads svelte.config.js and src/ from the working directory.
  const cwd = process.cwd();
  process.chdir(fixture);
  try {
    await build({ root: fixture, configFile: resolve(fixture, "vite.config.js"), logLevel: "silent" });
  } finally {
    process.chdir(cwd);
  }
  const output = resolve(fixture, ".svelte-kit/output/server");
  const { Server } = await import(pathToFileURL(resolve(output, "index.js")).href);
  const { manifest } = await import(pathToFileURL(resolve(output, "manifest.js")).href);
  const server = new Server(manifest);
  await server.init({ env: process.env as Record<string, string> });
  return (request: Request): Promise<Response> => server.respond(request, { getClientAddress: () => "127.0.0.1" });
}

const respond = await startFixture();

adapterSuite({
  name: "sveltekit",
  async mount({ env, checkout, webhooks }) {
    Object.assign(process.env, env);
    (globalThis as { __polarKitSuite?: unknown }).__polarKitSuite = { checkout, webhooks };
    return {
      // The suite speaks of /checkout, /portal, /webhooks; the hook mounts them under /polar.
      send: (request) => {
        const url = new URL(request.url);
        return respond(new Request(new URL(`/polar${url.pathname}${url.search}`, url), request));
      },
      close: async () => {
        for (const key of Object.keys(env)) delete process.env[key];
      },
    };
  },
});

describe("sveltekit adapter", () => {
  it("serves a +server.ts route built with Checkout", async () => {
    const response = await respond(new Request("https://shop.example/plain-checkout"));
    // No products parameter: the adapter answers, not SvelteKit's 404.
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "missing_parameter", parameter: "products" });
  });

  it("passes other requests on to resolve", async () => {
    const page = await respond(new Request("https://shop.example/"));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("polar-kit SvelteKit fixture");
    expect((await respond(new Request("https://shop.example/polar/unknown"))).status).toBe(404);
  });

  it("types callbacks with the RequestEvent, without annotations", () => {
    CustomerPortal({
      getExternalCustomerId: (event) => {
        expectTypeOf(event).toEqualTypeOf<RequestEvent>();
        return event.url.searchParams.get("never-from-the-url-in-real-apps");
      },
    });
    Webhooks({ onOrderRefunded: (_event, e) => expectTypeOf(e).toEqualTypeOf<RequestEvent>() });
    expectTypeOf(polarHandle({})).toEqualTypeOf<Handle>();
  });
});
