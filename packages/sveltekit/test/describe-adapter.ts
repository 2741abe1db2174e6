// The adapter's tests against one SvelteKit major: the shared adapter suite (and its hostile
// corpus) through the `polarHandle` hook, a `+server.ts` route, and the hook's hand-off to `resolve`.
import { describe, expect, it } from "vitest";
import { adapterSuite } from "../../emulator/test/adapter-suite";
import { type KitMajor, serveFixture } from "./serve-fixture";

export async function describeAdapterOn(major: KitMajor): Promise<void> {
  const respond = await serveFixture(major);
  const name = `sveltekit ${major}`;

  adapterSuite({
    name,
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

  describe(`${name} adapter`, () => {
    it(`runs the app on SvelteKit ${major}`, async () => {
      const version = await (await respond(new Request("https://shop.example/version"))).text();
      expect(version.split(".")[0]).toBe(String(major));
    });

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
  });
}
