import { afterAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { memoryLogger, PRODUCTS, startFakePolar, TOKEN } from "../../test/fake-polar";
import { closedPort } from "../../test/scripted-server";
import type { Schemas } from "../types";
import { type CheckoutConfig, type CheckoutParamField, handleCheckout, type MerchantParam } from "./checkout";

const api = await startFakePolar();
afterAll(() => api.close());
beforeEach(() => api.reset());

const APP = "https://shop.example";
const [P1, P2] = PRODUCTS as [string, string];
const config = (extra: Partial<CheckoutConfig> = {}): CheckoutConfig => ({
  accessToken: TOKEN,
  baseUrl: api.url,
  appUrl: APP,
  successUrl: "/thanks",
  maxRetries: 0,
  logger: memoryLogger(),
  ...extra,
});
const sent = () => JSON.parse(api.seen[0]?.body ?? "null");
/** A 500 that tells the client nothing, and `logged` to the server's log; nothing went to Polar. */
const expectMisconfigured = async (response: Response, logger: ReturnType<typeof memoryLogger>, logged: string) => {
  expect(response.status).toBe(500);
  expect(await response.json()).toEqual({
    error: "server_misconfigured",
    detail: "Polar is not configured on this server",
  });
  expect(logger.lines.join("\n")).toContain(logged);
  expect(api.seen).toHaveLength(0);
};
const get = (query: string) => new Request(`${APP}/api/checkout?${query}`);
const post = (form: string, headers: Record<string, string> = {}, url = `${APP}/api/checkout`) =>
  new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form,
  });

describe("handleCheckout", () => {
  it("maps every parameter to a field of the API's checkout-create body", () => {
    expectTypeOf<CheckoutParamField>().toExtend<keyof Schemas["CheckoutProductsCreate"]>();
  });

  const SHOPPER = {
    customerEmail: "jane@example.com",
    customerName: "Jane",
    customerBillingName: "Jane Ltd",
    customerBillingAddress: JSON.stringify({ country: "FR", city: "Paris" }),
    customerTaxId: "FR123",
    isBusinessCustomer: "true",
    customFieldData: JSON.stringify({ company_size: "10" }),
    amount: "1500",
    seats: "3",
    locale: "fr-FR",
    allowTrial: "false",
  };
  const MERCHANT: Record<MerchantParam, string> = {
    customerId: "c6d7e8f9-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
    customerExternalId: "user_1",
    customerIpAddress: "203.0.113.9",
    customerMetadata: JSON.stringify({ plan: "pro" }),
    metadata: JSON.stringify({ campaign: "spring", n: 2 }),
    discountId: "d1",
    allowDiscountCodes: "false",
    requireBillingAddress: "1",
    minSeats: "1",
    maxSeats: "10",
    currency: "eur",
    allowTrial: "true",
    trialInterval: "day",
    trialIntervalCount: "14",
    embedOrigin: "https://shop.example",
  };

  it("redirects a GET with every shopper parameter to the hosted checkout", async () => {
    const query = new URLSearchParams(SHOPPER);
    query.append("products", P1);
    query.append("products", P2);
    const response = await handleCheckout(get(query.toString()), config());
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${api.url}/checkout/polar_c_secret`);
    expect(api.seen[0]?.method).toBe("POST");
    expect(api.seen[0]?.url.pathname).toBe("/v1/checkouts/");
    expect(sent()).toEqual({
      products: [P1, P2],
      customer_email: "jane@example.com",
      customer_name: "Jane",
      customer_billing_name: "Jane Ltd",
      customer_billing_address: { country: "FR", city: "Paris" },
      customer_tax_id: "FR123",
      is_business_customer: true,
      custom_field_data: { company_size: "10" },
      amount: 1500,
      seats: 3,
      locale: "fr-FR",
      allow_trial: false,
      success_url: `${APP}/thanks?checkout_id={CHECKOUT_ID}`,
    });
  });

  it("takes the merchant's parameters from the request only when the app names them in allowParams", async () => {
    const query = new URLSearchParams({ ...MERCHANT, products: P1 });
    const allowParams = Object.keys(MERCHANT) as MerchantParam[];
    expect((await handleCheckout(get(query.toString()), config({ allowParams }))).status).toBe(303);
    expect(sent()).toEqual({
      products: [P1],
      customer_id: "c6d7e8f9-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
      external_customer_id: "user_1",
      customer_ip_address: "203.0.113.9",
      customer_metadata: { plan: "pro" },
      metadata: { campaign: "spring", n: 2 },
      discount_id: "d1",
      allow_discount_codes: false,
      require_billing_address: true,
      min_seats: 1,
      max_seats: 10,
      currency: "eur",
      allow_trial: true,
      trial_interval: "day",
      trial_interval_count: 14,
      embed_origin: "https://shop.example",
      success_url: `${APP}/thanks?checkout_id={CHECKOUT_ID}`,
    });
  });

  it.each(Object.entries(MERCHANT))("refuses %s from a request by default, sending nothing", async (name, value) => {
    const response = await handleCheckout(get(`products=${P1}&${name}=${encodeURIComponent(value)}`), config());
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_parameter",
      detail: `${name} is set by the server here (the app can allow it with allowParams)`,
      parameter: name,
    });
    expect(api.seen).toHaveLength(0);
  });

  it("refuses a visitor's 1000-year trial, even with a customer set by the app", async () => {
    const trial = "trialInterval=year&trialIntervalCount=1000&allowTrial=true";
    const signedIn = config({ customer: () => ({ customerExternalId: "user_1" }) });
    const response = await handleCheckout(post(`products=${P1}&${trial}`), signedIn);
    expect(response.status).toBe(400);
    expect(api.seen).toHaveLength(0);
    // The server still sets terms of its own.
    await handleCheckout(post(`products=${P1}`), { ...signedIn, overrides: { trial_interval: "week" } });
    expect(sent()).toMatchObject({ trial_interval: "week", external_customer_id: "user_1" });
  });

  it("takes an embed origin only as a bare http(s) origin, even when allowed", async () => {
    const allowed = config({ allowParams: ["embedOrigin"] });
    for (const origin of ["javascript:alert(1)", "https://shop.example/path", "data:,x", "shop.example"]) {
      const response = await handleCheckout(get(`products=${P1}&embedOrigin=${encodeURIComponent(origin)}`), allowed);
      expect(response.status).toBe(400);
      expect((await response.json()).parameter).toBe("embedOrigin");
    }
    expect(api.seen).toHaveLength(0);
    await handleCheckout(get(`products=${P1}&embedOrigin=${encodeURIComponent("http://localhost:5173/")}`), allowed);
    expect(sent().embed_origin).toBe("http://localhost:5173");
  });

  it("treats a form's empty fields as not given", async () => {
    const form = new URLSearchParams({ products: P1, discountId: "", customerName: "  ", seats: "", allowTrial: "" });
    const response = await handleCheckout(new Request(`${APP}/c`, { method: "POST", body: form }), config());
    expect(response.status).toBe(303);
    expect(Object.keys(sent()).sort()).toEqual(["products", "success_url"]);
  });

  it("accepts comma-separated products", async () => {
    await handleCheckout(get(`products=${P1},${P2}`), config());
    expect(sent().products).toEqual([P1, P2]);
  });

  it("reads a POST form and a multipart form", async () => {
    const form = new URLSearchParams({ products: P1, customerEmail: "a@example.com", seats: "2" });
    const urlencoded = new Request(`${APP}/api/checkout`, { method: "POST", body: form });
    expect((await handleCheckout(urlencoded, config())).status).toBe(303);
    expect(sent()).toMatchObject({ products: [P1], customer_email: "a@example.com", seats: 2 });

    api.reset();
    const multipart = new FormData();
    multipart.append("products", P2);
    multipart.append("allowTrial", "false");
    const response = await handleCheckout(new Request(`${APP}/c`, { method: "POST", body: multipart }), config());
    expect(response.status).toBe(303);
    expect(sent()).toMatchObject({ products: [P2], allow_trial: false });
  });

  it("resolves a relative success URL and keeps the {CHECKOUT_ID} placeholder", async () => {
    await handleCheckout(get(`products=${P1}`), config({ successUrl: "../done?x=1#top" }));
    expect(sent().success_url).toBe(`${APP}/done?x=1&checkout_id={CHECKOUT_ID}#top`);

    api.reset();
    await handleCheckout(get(`products=${P1}`), config({ successUrl: "/done/{CHECKOUT_ID}" }));
    expect(sent().success_url).toBe(`${APP}/done/{CHECKOUT_ID}`);

    api.reset();
    await handleCheckout(
      get(`products=${P1}`),
      config({ successUrl: "/done", includeCheckoutId: false, returnUrl: "/" }),
    );
    expect(sent()).toMatchObject({ success_url: `${APP}/done`, return_url: `${APP}/` });
  });

  it("fixes or restricts products from config", async () => {
    await handleCheckout(get(`products=${P2}`), config({ products: [P1] }));
    expect(sent().products).toEqual([P1]);

    api.reset();
    const refused = await handleCheckout(get(`products=${P2}`), config({ allowedProducts: [P1] }));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: "invalid_parameter",
      detail: `products not offered here: ${P2}`,
      parameter: "products",
    });
    expect(api.seen).toHaveLength(0);
  });

  it("takes the customer from the app, ignoring customer parameters in the request", async () => {
    const tampered = get(`products=${P1}&customerExternalId=someone_else&customerEmail=evil@example.com`);
    await handleCheckout(
      tampered,
      config({ customer: () => ({ customerExternalId: "user_1", customerEmail: "jane@example.com" }) }),
    );
    expect(sent()).toMatchObject({ external_customer_id: "user_1", customer_email: "jane@example.com" });

    api.reset();
    await handleCheckout(tampered, config({ customer: () => undefined }));
    expect(sent().external_customer_id).toBeUndefined();
    expect(sent().customer_email).toBeUndefined();
  });

  it("merges server metadata over the request's and applies overrides last", async () => {
    await handleCheckout(
      get(`products=${P1}&metadata=${encodeURIComponent('{"ref":"ad","plan":"free"}')}`),
      config({ allowParams: ["metadata"], metadata: { plan: "pro" }, overrides: { allow_discount_codes: false } }),
    );
    expect(sent()).toMatchObject({ metadata: { ref: "ad", plan: "pro" }, allow_discount_codes: false });
  });

  it("reads config from the environment and from a function of the request", async () => {
    const response = await handleCheckout(
      get(`products=${P1}`),
      (request) => ({ successUrl: new URL(request.url).searchParams.has("embed") ? "/embedded" : "/thanks" }),
      { env: { POLAR_ACCESS_TOKEN: TOKEN, POLAR_API_URL: api.url, POLAR_APP_URL: APP } },
    );
    expect(response.status).toBe(303);
    expect(sent().success_url).toBe(`${APP}/thanks?checkout_id={CHECKOUT_ID}`);
  });
});

describe("handleCheckout with bad input", () => {
  const expectError = async (response: Response, status: number, body: Record<string, unknown>) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject(body);
    expect(api.seen).toHaveLength(0);
  };

  it("names a missing products parameter", async () => {
    await expectError(await handleCheckout(get("customerEmail=a@example.com"), config()), 400, {
      error: "missing_parameter",
      parameter: "products",
    });
  });

  it.each([
    ["customFieldData", "customFieldData={oops"],
    ["customerBillingAddress", "customerBillingAddress=[1,2]"],
    ["seats", "seats=-1"],
    ["amount", "amount=12.5"],
    ["allowTrial", "allowTrial=maybe"],
    ["customerEmail", "customerEmail=a@x.io&customerEmail=b@x.io"],
    ["customerName", "customerName=Jane&customerName=Joe"],
  ])("names %s when it is malformed", async (parameter, query) => {
    await expectError(await handleCheckout(get(`products=${P1}&${query}`), config()), 400, {
      error: "invalid_parameter",
      parameter,
    });
  });

  it("refuses JSON and other bodies that are not forms, and forms it cannot read", async () => {
    const post = (type: string, body: string) =>
      new Request(`${APP}/c`, { method: "POST", headers: { "content-type": type }, body });
    for (const [type, body] of [
      ["application/json", JSON.stringify({ products: [P1] })],
      ["text/plain", `products=${P1}`],
      ["", `products=${P1}`],
    ] as const) {
      await expectError(await handleCheckout(post(type, body), config()), 415, { error: "unsupported_media_type" });
    }
    await expectError(
      await handleCheckout(post("multipart/form-data; boundary=x", "--y\r\nnot a part"), config()),
      400,
      {
        error: "invalid_parameter",
        parameter: "body",
      },
    );
  });

  it("rejects a file where text belongs", async () => {
    const form = new FormData();
    form.append("products", new Blob(["x"]), "products.txt");
    const response = await handleCheckout(new Request(`${APP}/c`, { method: "POST", body: form }), config());
    await expectError(response, 400, { parameter: "products" });
  });

  it("refuses oversized bodies, whether or not Content-Length tells", async () => {
    const big = new URLSearchParams({ products: P1, metadata: JSON.stringify({ pad: "x".repeat(5000) }) }).toString();
    const declared = new Request(`${APP}/c`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: big,
    });
    await expectError(await handleCheckout(declared, config({ maxBodyBytes: 1024 })), 413, {
      error: "payload_too_large",
    });

    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode("x".repeat(500)));
        controller.close();
      },
    });
    const chunked = new Request(`${APP}/c`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    await expectError(await handleCheckout(chunked, config({ maxBodyBytes: 1024 })), 413, {
      error: "payload_too_large",
    });
  });

  it("refuses other media types and methods", async () => {
    const text = new Request(`${APP}/c`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "products=x",
    });
    await expectError(await handleCheckout(text, config()), 415, { error: "unsupported_media_type" });
    const put = await handleCheckout(new Request(`${APP}/c`, { method: "PUT" }), config());
    expect(put.headers.get("allow")).toBe("GET, POST");
    await expectError(put, 405, { error: "method_not_allowed" });
  });

  it.each([
    "//evil.example/x",
    "https://evil.example/thanks",
    "javascript:alert(1)",
    "data:text/html,hi",
    "http://[::1",
    "/ok\r\nSet-Cookie: session=evil",
  ])("never redirects to %s given in the request", async (target) => {
    const query = `products=${P1}&successUrl=${encodeURIComponent(target)}&returnUrl=${encodeURIComponent(target)}`;
    const response = await handleCheckout(get(query), config());
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(sent()).toMatchObject({ success_url: `${APP}/thanks?checkout_id={CHECKOUT_ID}` });
    expect(sent().return_url).toBeUndefined();
  });

  it("varies redirect targets only through a config function of the request", async () => {
    const perLocale = (request: Request) =>
      config({ successUrl: `/${new URL(request.url).searchParams.get("locale") === "fr" ? "merci" : "thanks"}` });
    await handleCheckout(get(`products=${P1}&locale=fr`), perLocale);
    expect(sent()).toMatchObject({ success_url: `${APP}/merci?checkout_id={CHECKOUT_ID}`, locale: "fr" });
  });

  it("answers 500 for a configured URL that is not http(s), naming the option in the log only", async () => {
    const logger = memoryLogger();
    const response = await handleCheckout(get(`products=${P1}`), config({ successUrl: "javascript:alert(1)", logger }));
    await expectMisconfigured(response, logger, "successUrl must be an http(s) URL");
  });
});

describe("handleCheckout redirect targets and cross-site requests", () => {
  const noAppUrl = (extra: Partial<CheckoutConfig> = {}) => config({ appUrl: undefined, ...extra });

  it("resolves relative URLs against appUrl, never the Host header", async () => {
    const spoofed = new Request(`http://evil.example/api/checkout?products=${P1}`);
    expect((await handleCheckout(spoofed, config({ returnUrl: "/" }))).status).toBe(303);
    expect(sent()).toMatchObject({ success_url: `${APP}/thanks?checkout_id={CHECKOUT_ID}`, return_url: `${APP}/` });

    api.reset();
    const env = { POLAR_ACCESS_TOKEN: TOKEN, POLAR_APP_URL: "https://app.example/shop/" };
    await handleCheckout(spoofed, noAppUrl({ successUrl: "done" }), { env });
    expect(sent().success_url).toBe("https://app.example/shop/done?checkout_id={CHECKOUT_ID}");
  });

  it("refuses a relative URL without appUrl on a public host, naming the option in the log only", async () => {
    const logger = memoryLogger();
    const response = await handleCheckout(
      new Request(`http://evil.example/api/checkout?products=${P1}`),
      noAppUrl({ logger }),
    );
    await expectMisconfigured(response, logger, "successUrl is relative: set appUrl (or POLAR_APP_URL)");
  });

  it("resolves against the request on localhost, and takes absolute URLs as they are", async () => {
    for (const host of ["localhost:3000", "127.0.0.1:5173", "[::1]:8080", "shop.localhost"]) {
      api.reset();
      await handleCheckout(new Request(`http://${host}/c?products=${P1}`), noAppUrl());
      expect(sent().success_url).toBe(`http://${host}/thanks?checkout_id={CHECKOUT_ID}`);
    }
    api.reset();
    await handleCheckout(new Request(`http://evil.example/c?products=${P1}`), noAppUrl({ successUrl: `${APP}/ok` }));
    expect(sent().success_url).toBe(`${APP}/ok?checkout_id={CHECKOUT_ID}`);
  });

  it("answers 500 for an appUrl that is not http(s)", async () => {
    const logger = memoryLogger();
    const response = await handleCheckout(get(`products=${P1}`), config({ appUrl: "javascript:alert(1)", logger }));
    await expectMisconfigured(response, logger, "appUrl (POLAR_APP_URL) must be an http(s) URL");
  });

  it.each([
    [{ origin: "https://evil.example" }],
    [{ origin: "null" }],
    [{ origin: "https://shop.example.evil.example" }],
    [{ "sec-fetch-site": "cross-site" }],
    [{ "sec-fetch-site": "same-site", origin: "https://blog.shop.example" }],
    [{ "sec-fetch-site": "cross-site", origin: "https://evil.example" }],
  ])("refuses a cross-site POST (%o) with 403, sending nothing", async (headers) => {
    const response = await handleCheckout(post(`products=${P1}`, headers), config());
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: "cross_site_request",
      detail: "Cross-site POST requests are refused",
    });
    expect(api.seen).toHaveLength(0);
  });

  it.each([
    [{}],
    [{ origin: APP }],
    [{ "sec-fetch-site": "same-origin", origin: APP }],
    [{ "sec-fetch-site": "same-origin" }],
    [{ origin: "https://blog.shop.example", "sec-fetch-site": "same-site" }, ["https://blog.shop.example/"]],
  ] as [Record<string, string>, string[]?][])(
    "accepts a POST from the app itself or a trusted origin (%o)",
    async (headers, trustedOrigins = []) => {
      // Behind a proxy the request URL is internal; the app's own origin comes from appUrl.
      const request = post(`products=${P1}`, headers, "http://10.0.0.5:3000/api/checkout");
      expect((await handleCheckout(request, config({ trustedOrigins }))).status).toBe(303);
    },
  );
});

describe("handleCheckout when Polar fails", () => {
  it("turns an unknown product (422) into a 400 naming the field", async () => {
    const response = await handleCheckout(get("products=00000000-0000-4000-8000-000000000000"), config());
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "invalid_request",
      detail: [{ loc: ["body", "products", 0], msg: "Product does not exist.", type: "value_error" }],
    });
  });

  it("answers 502 for a bad token without echoing it, and logs the reason", async () => {
    const logger = memoryLogger();
    const response = await handleCheckout(get(`products=${P1}`), config({ accessToken: "polar_oat_wrong", logger }));
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: "upstream_error", detail: "Polar API request failed (401)" });
    expect(text + logger.lines.join("\n")).not.toContain("polar_oat_wrong");
    expect(logger.lines.join("\n")).toContain("invalid_token");
  });

  it("answers 502 when Polar cannot be reached and 504 when it is too slow", async () => {
    const port = await closedPort();
    const down = await handleCheckout(get(`products=${P1}`), config({ baseUrl: `http://127.0.0.1:${port}` }));
    expect(down.status).toBe(502);
    expect((await down.json()).error).toBe("upstream_error");

    // A handler, not a queued reply: a late request from a timed-out call must not take it.
    api.setHandler(() => ({ status: 201, body: {}, delayMs: 2000 }));
    const slow = await handleCheckout(get(`products=${P1}`), config({ timeoutMs: 300 }));
    expect(slow.status).toBe(504);
  });

  it("does not redirect to a non-http URL even if the API sent one", async () => {
    api.setHandler(() => ({ status: 201, body: { id: "co_1", url: "javascript:alert(1)" } }));
    const response = await handleCheckout(get(`products=${P1}`), config());
    expect(response.status).toBe(500);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.json()).toEqual({ error: "handler_failed", detail: "Internal error" });
  });

  it("answers 500 without secrets when no access token is configured", async () => {
    const logger = memoryLogger();
    const response = await handleCheckout(get(`products=${P1}`), { baseUrl: api.url, logger }, { env: {} });
    await expectMisconfigured(response, logger, "POLAR_ACCESS_TOKEN");
  });
});
