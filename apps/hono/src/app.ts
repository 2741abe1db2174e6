import { createPolar, PolarError } from "@polar-kit/core";
import { orderOwnedBy, type User, webhookHandlers } from "@polar-kit/example-store/facts";
import { describeFailure } from "@polar-kit/example-store/failures";
import { isEmail, safeNext } from "@polar-kit/example-store/sign-in";
import { openSqliteStore, webhookDeduplicator } from "@polar-kit/example-store/sqlite-store";
import { type MeterUsage, meterUsage, recordApiCall } from "@polar-kit/example-store/usage";
import { checkout, customerPortal, webhooks } from "@polar-kit/hono";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppConfig, PolarSettings } from "./config.js";
import type { SafeHtml } from "./html.js";
import { type SessionCookie, sessionCookie } from "./session.js";
import { AppStore } from "./store.js";
import { accountPage, errorPage, loginPage, productsPage, thanksPage, thanksPendingPage } from "./views.js";

/** The config, or a function returning it per request (so a test can fill it in after the server started). */
export type ConfigSource = AppConfig | (() => AppConfig);

export type AppEnv = {
  Variables: { config: AppConfig; store: AppStore; session: SessionCookie; user: User | undefined };
};

export const WEBHOOK_PATH = "/webhooks/polar";

/** The connection options every adapter middleware and the client take. */
const connection = (polar: PolarSettings) => ({
  accessToken: polar.accessToken,
  webhookSecret: polar.webhookSecret,
  server: polar.server,
  ...(polar.baseUrl && { baseUrl: polar.baseUrl }),
});

const polarFor = (c: Context<AppEnv>) => createPolar(connection(c.get("config").polar));

/** The user's meters, read live from Polar; `undefined` if Polar is unreachable. */
async function usageOf(c: Context<AppEnv>, user: User): Promise<MeterUsage[] | undefined> {
  try {
    return await meterUsage(polarFor(c), user.id);
  } catch (error) {
    if (!(error instanceof PolarError)) throw error;
    console.error(`[store] could not read usage: ${error.message}`);
    return undefined;
  }
}

function render(c: Context<AppEnv>, page: SafeHtml, status: ContentfulStatusCode = 200) {
  c.header("cache-control", "no-store");
  return c.html(page.value, status);
}

const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("user")) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
  await next();
};

/** Runs an adapter middleware and turns its JSON errors into a page. */
function withErrorPage(handler: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const response = await handler(c, next);
    if (!response || response.status < 400) return response;
    const { title, message } = await describeFailure(response);
    return render(c, errorPage(title, message, c.get("user")), response.status as ContentfulStatusCode);
  };
}

/**
 * The store: products, demo sign-in, checkout, the success page, the account page, the customer
 * portal and Polar's webhooks.
 */
export function createApp(source: ConfigSource): Hono<AppEnv> {
  const stores = new Map<string, AppStore>();
  const storeFor = (dataDir: string) => {
    const store = stores.get(dataDir) ?? new AppStore(dataDir);
    stores.set(dataDir, store);
    return store;
  };
  const app = new Hono<AppEnv>();
  // Form posts must come from this site's own pages; Polar's webhooks come from elsewhere and are
  // verified by their signature instead.
  const sameOrigin = csrf({
    origin: (origin, c) => origin === new URL(c.req.url).origin || origin === (c.get("config") as AppConfig).appUrl,
  });

  app.use(async (c, next) => {
    const config = typeof source === "function" ? source() : source;
    const store = storeFor(config.dataDir);
    const session = sessionCookie(config.sessionSecret, (config.appUrl ?? c.req.url).startsWith("https:"));
    const userId = await session.userId(c);
    c.set("config", config);
    c.set("store", store);
    c.set("session", session);
    c.set("user", userId ? await store.findUser(userId) : undefined);
    if (c.req.path === WEBHOOK_PATH) return next();
    return sameOrigin(c, next);
  });

  app.get("/", async (c) => {
    const polar = polarFor(c);
    try {
      const { items } = await polar.products.list({ is_archived: false, sorting: ["created_at"], limit: 100 });
      return render(c, productsPage(items, c.get("user")));
    } catch (error) {
      if (!(error instanceof PolarError)) throw error;
      // The client's messages never contain the token.
      console.error(`[store] could not list products: ${error.message}`);
      return render(c, errorPage("Products are unavailable", "The product list could not be loaded. Try again."), 502);
    }
  });

  app.get("/login", (c) => render(c, loginPage(safeNext(c.req.query("next")))));

  app.post("/login", async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === "string" ? form.email.trim() : "";
    const next = safeNext(form.next);
    if (!isEmail(email)) {
      return render(c, loginPage(next, "Enter a valid email address.", email), 400);
    }
    const user = await c.get("store").signIn(email);
    await c.get("session").start(c, user.id);
    return c.redirect(next, 303);
  });

  app.post("/logout", (c) => {
    c.get("session").end(c);
    return c.redirect("/", 303);
  });

  // A POST form, so that link prefetching cannot create checkout sessions.
  app.post(
    "/checkout",
    withErrorPage(
      checkout<AppEnv>((c) => ({
        ...connection(c.get("config").polar),
        // Relative to APP_URL; without it only on localhost (the Host header picks nothing).
        appUrl: c.get("config").appUrl,
        successUrl: "/thanks",
        returnUrl: "/",
        // The customer comes from the session, never from the form.
        customer: (c) => {
          const user = c.get("user");
          return user ? { customerExternalId: user.id, customerEmail: user.email } : undefined;
        },
      })),
    ),
  );

  app.get("/thanks", async (c) => {
    const checkoutId = c.req.query("checkout_id") ?? "";
    const user = c.get("user");
    if (!checkoutId || checkoutId.length > 200) {
      return render(c, errorPage("Unknown checkout", "This page needs a checkout_id.", user), 400);
    }
    // Only the signed-in user who placed the order sees it; anyone else with the link gets the
    // page an unknown id gets.
    const order = orderOwnedBy(await c.get("store").orderForCheckout(checkoutId), user);
    return render(c, order ? thanksPage(order, user) : thanksPendingPage(user));
  });

  app.get("/account", requireUser, async (c) => {
    const user = c.get("user") as User;
    const [account, usage] = await Promise.all([c.get("store").account(user.id), usageOf(c, user)]);
    return render(c, accountPage(user, account, usage));
  });

  // One API call of the signed-in user, recorded as a usage event their meter counts.
  app.post("/usage", requireUser, async (c) => {
    const user = c.get("user") as User;
    try {
      await recordApiCall(polarFor(c), user.id);
    } catch (error) {
      if (!(error instanceof PolarError)) throw error;
      console.error(`[store] could not record usage: ${error.message}`);
      return render(c, errorPage("Usage was not recorded", "Polar could not be reached. Try again.", user), 502);
    }
    return c.redirect("/account", 303);
  });

  app.get(
    "/portal",
    requireUser,
    withErrorPage(
      customerPortal<AppEnv>((c) => ({
        ...connection(c.get("config").polar),
        getExternalCustomerId: (c) => c.get("user")?.id,
        appUrl: c.get("config").appUrl,
        returnUrl: "/account",
      })),
    ),
  );

  // Polar's webhooks: the middleware verifies the signature (403 otherwise, before any callback)
  // and runs the callback of the event's type; `webhookHandlers` turns orders, subscriptions and
  // license key grants into facts in the store. A callback that throws answers 500, so Polar
  // delivers the event again. The deliveries handled are kept in SQLite (store.sqlite in the data
  // folder, next to store.json), so a restarted app does not run an event again.
  app.post(
    WEBHOOK_PATH,
    webhooks<AppEnv>((c) => ({
      ...connection(c.get("config").polar),
      deduplicate: webhookDeduplicator(() => openSqliteStore(c.get("config").dataDir)),
      ...webhookHandlers(c.get("store")),
    })),
  );

  app.notFound((c) => render(c, errorPage("Not found", "There is no page here.", c.get("user")), 404));
  app.onError((error, c) => {
    // Refusals raised by middleware (the CSRF check's 403) keep their status.
    if (error instanceof HTTPException && error.status < 500) {
      const page = errorPage("Request refused", "Forms must be sent from this site's own pages.", c.get("user"));
      return render(c, page, error.status as ContentfulStatusCode);
    }
    console.error("[store] request failed:", error instanceof Error ? error.message : error);
    return render(c, errorPage("Something went wrong", "Please try again."), 500);
  });
  return app;
}
