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

  // The README's shapes (the consumer matrix compiles the README itself, against the packed package).
  it("compiles the README's routes inline in a typed app", () => {
    type User = { id: string };
    const app = new Hono<{ Variables: { user?: User } }>();
    const markPaid = async (_orderId: string) => {};
    app.on(["GET", "POST"], "/checkout", checkout({ successUrl: "/thanks" }));
    app.get(
      "/portal",
      customerPortal({
        getExternalCustomerId: (c) => {
          // Inline, Hono passes no types into the middleware: the context is Context<any>.
          // biome-ignore lint/suspicious/noExplicitAny: what Hono's createMiddleware gives too.
          expectTypeOf(c).toEqualTypeOf<Context<any>>();
          return c.get("user")?.id;
        },
      }),
    );
    app.post(
      "/webhooks/polar",
      webhooks({
        onOrderPaid: async (event) => {
          expectTypeOf(event.data.id).toEqualTypeOf<string>();
          return markPaid(event.data.id);
        },
      }),
    );
  });

  it("types callbacks fully when the app's Env is named", () => {
    type AppEnv = { Bindings: { SHOP_URL: string }; Variables: { user?: { id: string } } };
    const app = new Hono<AppEnv>();
    app.get(
      "/portal",
      customerPortal<AppEnv>({
        getExternalCustomerId: (c) => {
          expectTypeOf(c.get("user")).toEqualTypeOf<{ id: string } | undefined>();
          // @ts-expect-error: not a variable of this app
          c.get("session");
          return c.get("user")?.id;
        },
      }),
    );
    app.on(
      ["GET", "POST"],
      "/checkout",
      checkout<AppEnv>((c) => {
        expectTypeOf(c.env.SHOP_URL).toEqualTypeOf<string>();
        // @ts-expect-error: not a binding of this app
        c.env.OTHER;
        return { successUrl: "/thanks", appUrl: c.env.SHOP_URL };
      }),
    );
  });

  it("compiles the README's Workers example: config from c.env inline", () => {
    type Bindings = { POLAR_ACCESS_TOKEN: string; SHOP_URL: string; SHOP_WEBHOOK_SECRET: string };
    const app = new Hono<{ Bindings: Bindings; Variables: { user?: { id: string } } }>();
    app.on(
      ["GET", "POST"],
      "/checkout",
      checkout((c) => ({ successUrl: "/thanks", appUrl: c.env.SHOP_URL })),
    );
    app.post(
      "/webhooks/polar",
      webhooks((c) => ({ webhookSecret: c.env.SHOP_WEBHOOK_SECRET, onOrderPaid: async () => {} })),
    );
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
