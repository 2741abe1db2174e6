// The conformance cases every framework adapter passes, against a real emulator. Each adapter's
// test mounts its `Checkout`, `CustomerPortal` and `Webhooks` in its real framework and gives back
// a function that sends a `Request` through it. The portal must read the signed-in user from the
// `x-demo-user` request header through the framework's own context.
import { type CheckoutConfig, createPolar, entitlements, signWebhook, type WebhookConfig } from "@polar-kit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/server";
import { hostileCases } from "./adapter-hostile";

export const APP = "https://shop.example";
export const WEBHOOK_SECRET = "whsec_adapter_suite_secret";

export interface MountedApp {
  /** Sends a request to the app: `/checkout`, `/portal` and `/webhooks` are the adapter's routes. */
  send(request: Request): Promise<Response>;
  close?(): Promise<void>;
}

export interface AdapterUnderTest {
  name: string;
  /**
   * Mounts the three handlers with these configs (connection settings come from `env`, the way
   * the adapter reads its environment), plus a portal config whose resolver reads `x-demo-user`.
   */
  mount(setup: {
    env: Record<string, string>;
    // biome-ignore lint/suspicious/noExplicitAny: each adapter has its own context type.
    checkout: CheckoutConfig<any>;
    // biome-ignore lint/suspicious/noExplicitAny: each adapter has its own context type.
    webhooks: WebhookConfig<any>;
  }): Promise<MountedApp>;
}

export function adapterSuite(adapter: AdapterUnderTest): void {
  let emu: RunningEmulator;
  let app: MountedApp;
  let productId: string;
  const received: string[] = [];
  let failNext = false;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, validateResponses: true });
    const polar = createPolar({ baseUrl: emu.url, accessToken: emu.accessToken });
    const product = await polar.products.create({
      name: "Pro",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 1500, price_currency: "usd" }],
    } as never);
    productId = product.id;
    await polar.customers.create({ email: "jane@example.com", external_id: "user_jane" });
    app = await adapter.mount({
      env: {
        POLAR_ACCESS_TOKEN: emu.accessToken,
        POLAR_API_URL: emu.url,
        POLAR_WEBHOOK_SECRET: WEBHOOK_SECRET,
        POLAR_APP_URL: APP,
      },
      checkout: { successUrl: "/thanks", maxRetries: 0 },
      webhooks: {
        onOrderPaid: (event) => {
          if (failNext) {
            failNext = false;
            throw new Error("handler broke");
          }
          received.push(`order.paid ${event.data.id}`);
        },
        onUnknownEvent: (event) => {
          received.push(`unknown ${String(event.type)}`);
        },
        onPayload: entitlements({
          byType: {
            license_keys: {
              grant: (grant) => void received.push(`key+ ${grant.customer_id}`),
              revoke: (grant) => void received.push(`key- ${grant.customer_id}`),
            },
          },
        }),
        logger: { warn: () => {}, error: () => {} },
      },
    });
  });
  afterAll(async () => {
    await app?.close?.();
    await emu?.close();
  });

  const checkoutCount = async () =>
    (await createPolar({ baseUrl: emu.url, accessToken: emu.accessToken }).checkouts.list({ limit: 1 })).pagination
      .total_count;
  const checkoutOf = async (response: Response) => {
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location.startsWith(`${emu.url}/checkout/polar_c_`)).toBe(true);
    const secret = location.split("/").pop() as string;
    // The public view by client secret, then the full one with the organization token.
    const { id } = await createPolar({ baseUrl: emu.url }).checkouts.clientGet(secret);
    return createPolar({ baseUrl: emu.url, accessToken: emu.accessToken }).checkouts.get(id);
  };

  const delivery = async (payload: unknown, options: { timestamp?: number; tamper?: boolean; id?: string } = {}) => {
    const body = JSON.stringify(payload);
    const headers = await signWebhook({
      id: options.id ?? `msg_${Math.random().toString(36).slice(2)}`,
      timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
      body,
      secret: WEBHOOK_SECRET,
    });
    return new Request(`${APP}/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: options.tamper ? body.replace("2500", "1") : body,
    });
  };
  const orderPaid = (id: string) => ({
    type: "order.paid",
    timestamp: new Date().toISOString(),
    data: { id, total_amount: 2500 },
  });

  describe(`${adapter.name}: checkout`, () => {
    it("redirects a GET with the shopper's parameters to the emulator's hosted checkout", async () => {
      const query = new URLSearchParams({
        products: productId,
        customerEmail: "jane@example.com",
        customerName: "Jane",
        customerBillingAddress: JSON.stringify({ country: "FR" }),
        customerTaxId: "FR123",
        allowTrial: "false",
        locale: "fr",
      });
      const checkout = await checkoutOf(await app.send(new Request(`${APP}/checkout?${query}`)));
      expect(checkout).toMatchObject({ customer_email: "jane@example.com", customer_name: "Jane", locale: "fr" });
      expect(checkout.products.map((p) => p.id)).toEqual([productId]);
    });

    it("refuses what only the merchant sets (trials, discounts, metadata, customer ids), creating nothing", async () => {
      const before = await checkoutCount();
      for (const attack of [
        "trialInterval=year&trialIntervalCount=1000",
        "allowTrial=true",
        "discountId=00000000-0000-4000-8000-000000000000",
        `metadata=${encodeURIComponent('{"user_id":"admin"}')}`,
        "customerExternalId=user_jane",
        "maxSeats=1000",
        "embedOrigin=javascript:alert(1)",
      ]) {
        const response = await app.send(new Request(`${APP}/checkout?products=${productId}&${attack}`));
        expect(response.status, attack).toBe(400);
        expect(await response.json()).toMatchObject({ error: "invalid_parameter", parameter: attack.split("=")[0] });
      }
      expect(await checkoutCount()).toBe(before);
    });

    it("sends buyers back to the app's URL whatever the Host header says", async () => {
      const spoofed = new Request(`http://evil.example/checkout?products=${productId}`);
      const checkout = await checkoutOf(await app.send(spoofed));
      expect(checkout.success_url.startsWith(`${APP}/thanks?checkout_id=`)).toBe(true);
    });

    it("refuses a cross-site POST, creating nothing", async () => {
      const before = await checkoutCount();
      const body = new URLSearchParams({ products: productId });
      const headers = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
      const response = await app.send(new Request(`${APP}/checkout`, { method: "POST", body, headers }));
      expect(response.status).toBe(403);
      expect(await checkoutCount()).toBe(before);
    });

    it("accepts a POST form, so prefetching cannot create sessions", async () => {
      const body = new URLSearchParams({ products: productId, customerEmail: "bob@example.com" });
      // A browser's form post carries its Origin (SvelteKit refuses cross-site form posts).
      const request = new Request(`${APP}/checkout`, { method: "POST", body, headers: { origin: APP } });
      const checkout = await checkoutOf(await app.send(request));
      expect(checkout.customer_email).toBe("bob@example.com");
    });

    it("resolves the relative success URL against the app", async () => {
      const checkout = await checkoutOf(await app.send(new Request(`${APP}/checkout?products=${productId}`)));
      expect(checkout.success_url.startsWith(`${APP}/thanks?checkout_id=`)).toBe(true);
    });

    it("answers 400 naming a missing or malformed parameter", async () => {
      const missing = await app.send(new Request(`${APP}/checkout`));
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ error: "missing_parameter", parameter: "products" });
      const bad = await app.send(new Request(`${APP}/checkout?products=${productId}&customerBillingAddress=%7Boops`));
      expect(await bad.json()).toMatchObject({ error: "invalid_parameter", parameter: "customerBillingAddress" });
    });
  });

  describe(`${adapter.name}: customer portal`, () => {
    it("opens the portal of the signed-in user from the framework's context", async () => {
      const response = await app.send(new Request(`${APP}/portal`, { headers: { "x-demo-user": "user_jane" } }));
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toMatch(
        new RegExp(`^${emu.url}/portal\\?customer_session_token=polar_cst_`),
      );
    });

    it("answers 401 without a signed-in user and 404 for an unknown one", async () => {
      expect((await app.send(new Request(`${APP}/portal`))).status).toBe(401);
      const unknown = await app.send(new Request(`${APP}/portal`, { headers: { "x-demo-user": "stranger" } }));
      expect(unknown.status).toBe(404);
    });
  });

  describe(`${adapter.name}: webhooks`, () => {
    it("verifies and dispatches a valid delivery", async () => {
      const response = await app.send(await delivery(orderPaid("o_valid")));
      expect(response.status).toBe(200);
      expect(received).toContain("order.paid o_valid");
    });

    it("refuses tampered and expired deliveries with 403", async () => {
      expect((await app.send(await delivery(orderPaid("o_tampered"), { tamper: true }))).status).toBe(403);
      const old = Math.floor(Date.now() / 1000) - 3600;
      expect((await app.send(await delivery(orderPaid("o_old"), { timestamp: old }))).status).toBe(403);
      expect(received.join()).not.toMatch(/o_tampered|o_old/);
    });

    it("grants and revokes access through entitlements", async () => {
      const grant = (type: string, revoked: boolean) => ({
        type,
        timestamp: new Date().toISOString(),
        data: {
          id: "bg_1",
          customer_id: "c_ent",
          benefit_id: "b_key",
          is_granted: !revoked,
          is_revoked: revoked,
          benefit: { id: "b_key", type: "license_keys" },
          properties: {},
        },
      });
      expect((await app.send(await delivery(grant("benefit_grant.created", false)))).status).toBe(200);
      expect((await app.send(await delivery(grant("benefit_grant.revoked", true)))).status).toBe(200);
      expect(received.filter((line) => line.endsWith("c_ent"))).toEqual(["key+ c_ent", "key- c_ent"]);
    });

    it("answers 202 for an unknown event type", async () => {
      const response = await app.send(await delivery({ type: "brand_new.event", timestamp: "", data: {} }));
      expect(response.status).toBe(202);
      expect(received).toContain("unknown brand_new.event");
    });

    it("answers 500 when a handler throws, and runs a redelivery once", async () => {
      failNext = true;
      const first = await app.send(await delivery(orderPaid("o_retry"), { id: "msg_retry" }));
      expect(first.status).toBe(500);
      const retry = await app.send(await delivery(orderPaid("o_retry"), { id: "msg_retry" }));
      expect(retry.status).toBe(200);
      const duplicate = await app.send(await delivery(orderPaid("o_retry"), { id: "msg_retry" }));
      expect(duplicate.status).toBe(200);
      expect(received.filter((line) => line === "order.paid o_retry")).toHaveLength(1);
    });
  });

  hostileCases(adapter.name, () => ({ app, emu, productId, received, appUrl: APP, webhookSecret: WEBHOOK_SECRET }));
}
