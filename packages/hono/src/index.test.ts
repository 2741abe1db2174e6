import type { Context } from "hono";
import { Hono } from "hono";
import { describe, expect, expectTypeOf, it } from "vitest";
import { adapterSuite } from "../../emulator/test/adapter-suite";
import { Checkout, CustomerPortal, checkout, customerPortal, Webhooks, webhooks } from "./index";

adapterSuite({
  name: "hono",
  async mount({ env, checkout: checkoutConfig, webhooks: webhookConfig }) {
    type AppEnv = { Bindings: Record<string, string>; Variables: { user?: string } };
    const app = new Hono<AppEnv>();
    // A stand-in session middleware: the portal reads the user through Hono's context.
    app.use(async (c, next) => {
      c.set("user", c.req.header("x-demo-user"));
      await next();
    });
    app.on(["GET", "POST"], "/checkout", checkout<AppEnv>(checkoutConfig));
    app.get("/portal", customerPortal<AppEnv>({ getExternalCustomerId: (c) => c.get("user") }));
    app.post("/webhooks", webhooks<AppEnv>(webhookConfig));
    // `c.env` carries the bindings, as on Cloudflare Workers.
    return { send: (request) => Promise.resolve(app.request(request, undefined, env)) };
  },
});

describe("hono adapter", () => {
  it("exports the same names as every adapter", () => {
    expect(Checkout).toBe(checkout);
    expect(CustomerPortal).toBe(customerPortal);
    expect(Webhooks).toBe(webhooks);
  });

  it("types callbacks with the Hono context, without annotations", () => {
    customerPortal<{ Variables: { user: string } }>({
      getExternalCustomerId: (c) => {
        expectTypeOf(c).toEqualTypeOf<Context<{ Variables: { user: string } }>>();
        return c.get("user");
      },
    });
    webhooks({
      onOrderPaid: (event, c) => {
        expectTypeOf(event.data.total_amount).toEqualTypeOf<number>();
        expectTypeOf(c.req.raw).toEqualTypeOf<Request>();
      },
    });
  });

  it("reads config as a function of the context, per request", async () => {
    type Bound = { Bindings: { SECRET_FROM_BINDING: string } };
    const app = new Hono<Bound>();
    app.post(
      "/webhooks",
      webhooks<Bound>((c) => ({
        webhookSecret: c.env.SECRET_FROM_BINDING,
        logger: { warn: () => {}, error: () => {} },
      })),
    );
    const response = await app.request("/webhooks", { method: "POST", body: "{}" }, { SECRET_FROM_BINDING: "whsec_x" });
    expect(response.status).toBe(403);
  });
});
