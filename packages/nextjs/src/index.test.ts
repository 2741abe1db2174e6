import { NextRequest } from "next/server";
import { describe, expect, expectTypeOf, it } from "vitest";
import { adapterSuite } from "../../emulator/test/adapter-suite";
import { Checkout, CustomerPortal, Webhooks } from "./index";

adapterSuite({
  name: "nextjs",
  async mount({ env, checkout, webhooks }) {
    // Options come from process.env at request time, as in a deployed Next.js app.
    Object.assign(process.env, env);
    const routes = {
      "/checkout": { GET: Checkout(checkout), POST: Checkout(checkout) },
      "/portal": { GET: CustomerPortal({ getExternalCustomerId: (req) => req.headers.get("x-demo-user") }) },
      "/webhooks": { POST: Webhooks(webhooks) },
    } as Record<string, Record<string, (request: NextRequest) => Promise<Response>>>;
    return {
      send: async (request) => {
        const handler = routes[new URL(request.url).pathname]?.[request.method];
        if (!handler) return new Response(null, { status: 405 });
        return handler(new NextRequest(request));
      },
      close: async () => {
        for (const key of Object.keys(env)) delete process.env[key];
      },
    };
  },
});

describe("nextjs adapter", () => {
  it("reads the environment when a request arrives, not when the route module loads", async () => {
    delete process.env.POLAR_WEBHOOK_SECRET;
    const POST = Webhooks({ logger: { warn: () => {}, error: () => {} } });
    const before = await POST(new NextRequest("https://shop.example/webhooks", { method: "POST", body: "{}" }));
    expect(before.status).toBe(500);
    process.env.POLAR_WEBHOOK_SECRET = "whsec_set_later";
    const after = await POST(new NextRequest("https://shop.example/webhooks", { method: "POST", body: "{}" }));
    expect(after.status).toBe(403);
    delete process.env.POLAR_WEBHOOK_SECRET;
  });

  it("types callbacks with NextRequest, without annotations", () => {
    CustomerPortal({
      getCustomerId: (request) => {
        expectTypeOf(request).toEqualTypeOf<NextRequest>();
        return request.cookies.get("customer")?.value;
      },
    });
    Webhooks({
      onSubscriptionCanceled: (event, request) => {
        expectTypeOf(event.data.status).toBeString();
        expectTypeOf(request).toEqualTypeOf<NextRequest>();
      },
    });
  });
});
