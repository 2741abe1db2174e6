import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger, startFakePolar, TOKEN } from "../../test/fake-polar";
import { type CustomerPortalConfig, handleCustomerPortal } from "./portal";

const api = await startFakePolar();
afterAll(() => api.close());
beforeEach(() => api.reset());

const APP = "https://shop.example";
const CUSTOMER = "c6d7e8f9-0a1b-4c2d-8e3f-4a5b6c7d8e9f";
const config = (extra: Partial<CustomerPortalConfig> = {}): CustomerPortalConfig => ({
  accessToken: TOKEN,
  baseUrl: api.url,
  appUrl: APP,
  maxRetries: 0,
  logger: memoryLogger(),
  ...extra,
});
const sent = () => JSON.parse(api.seen[0]?.body ?? "null");
// The app's own "session": a header the test sets, standing in for a cookie lookup.
const signedInAs = (request: Request) => request.headers.get("x-demo-user");
const request = (user?: string, path = "/portal", init: RequestInit = {}) =>
  new Request(`${APP}${path}`, { ...init, headers: user ? { "x-demo-user": user } : {} });

describe("handleCustomerPortal", () => {
  it("opens the portal for the signed-in user's external id", async () => {
    const response = await handleCustomerPortal(
      request("user_1"),
      config({ getExternalCustomerId: signedInAs, returnUrl: "/account" }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`${api.url}/portal?customer_session_token=polar_cst_x`);
    expect(api.seen[0]?.url.pathname).toBe("/v1/customer-sessions/");
    expect(sent()).toEqual({ external_customer_id: "user_1", return_url: `${APP}/account` });
  });

  it("opens the portal by Polar customer id, and on POST", async () => {
    const response = await handleCustomerPortal(
      request(CUSTOMER, "/portal", { method: "POST" }),
      config({ getCustomerId: signedInAs }),
    );
    expect(response.status).toBe(303);
    expect(sent()).toEqual({ customer_id: CUSTOMER });
  });

  it("resolves returnUrl against appUrl, not the Host header, and refuses cross-site POSTs", async () => {
    const spoofed = new Request("http://evil.example/portal", { headers: { "x-demo-user": "user_1" } });
    await handleCustomerPortal(spoofed, config({ getExternalCustomerId: signedInAs, returnUrl: "/account" }));
    expect(sent().return_url).toBe(`${APP}/account`);

    api.reset();
    const crossSite = new Request(`${APP}/portal`, {
      method: "POST",
      headers: { "x-demo-user": "user_1", origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    });
    const response = await handleCustomerPortal(crossSite, config({ getExternalCustomerId: signedInAs }));
    expect(response.status).toBe(403);
    expect(api.seen).toHaveLength(0);
  });

  it("never takes the customer from the URL", async () => {
    await handleCustomerPortal(
      request("user_1", `/portal?customerId=${CUSTOMER}&customerExternalId=someone_else`),
      config({ getExternalCustomerId: signedInAs }),
    );
    expect(sent()).toEqual({ external_customer_id: "user_1" });
  });

  it("answers 401 without calling Polar when nobody is signed in", async () => {
    const response = await handleCustomerPortal(request(), config({ getExternalCustomerId: signedInAs }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized", detail: "Sign in to manage your billing" });
    expect(api.seen).toHaveLength(0);
  });

  it("answers 404 for a user Polar does not know", async () => {
    const response = await handleCustomerPortal(request("stranger"), config({ getExternalCustomerId: signedInAs }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "customer_not_found",
      detail: "No billing account was found for this user",
    });
  });

  it("answers 502 when Polar fails, and 500 when misconfigured", async () => {
    api.script({ status: 500, body: { detail: "boom" } });
    const failed = await handleCustomerPortal(request("user_1"), config({ getExternalCustomerId: signedInAs }));
    expect(failed.status).toBe(502);

    const both = await handleCustomerPortal(
      request("user_1"),
      config({ getExternalCustomerId: signedInAs, getCustomerId: signedInAs }),
    );
    expect(both.status).toBe(500);
    expect((await both.json()).error).toBe("server_misconfigured");
    const neither = await handleCustomerPortal(request("user_1"), config());
    expect(neither.status).toBe(500);
  });

  it("passes the adapter's context to the resolver and reads env", async () => {
    const context = { locals: { user: { id: "user_1" } } };
    const response = await handleCustomerPortal(
      request(),
      { getExternalCustomerId: (ctx: typeof context) => ctx.locals.user.id, logger: memoryLogger() },
      { context, env: { POLAR_ACCESS_TOKEN: TOKEN, POLAR_API_URL: api.url } },
    );
    expect(response.status).toBe(303);
    expect(sent()).toEqual({ external_customer_id: "user_1" });
  });

  it("refuses other methods", async () => {
    const response = await handleCustomerPortal(
      request("user_1", "/portal", { method: "DELETE" }),
      config({ getExternalCustomerId: signedInAs }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST");
  });
});
