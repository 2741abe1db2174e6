import { createPolar, type PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";

const { emu, polar } = await useEmulator();

describe("customer sessions", () => {
  it("creates a one-hour polar_cst_ session by customer id or external id", async () => {
    const customer = await polar.customers.create({ email: "jane@example.com", external_id: "user_jane" });
    const byId = await polar.customerSessions.create({
      customer_id: customer.id,
      return_url: "https://shop.example/account",
    });
    expect(byId.token).toMatch(/^polar_cst_/);
    expect(byId.customer_id).toBe(customer.id);
    expect(byId.return_url).toBe("https://shop.example/account");
    expect(byId.customer_portal_url).toBe(`${emu.url}/portal?customer_session_token=${byId.token}`);
    const lifetime = new Date(byId.expires_at).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60 * 1000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60 * 1000);

    const byExternal = await polar.customerSessions.create({ external_customer_id: "user_jane" });
    expect(byExternal.customer_id).toBe(customer.id);
    expect(byExternal.token).not.toBe(byId.token);
  });

  it("answers 422 naming the field for an unknown customer", async () => {
    const error = (await polar.customerSessions
      .create({ external_customer_id: "nobody" })
      .catch((e) => e)) as PolarApiError;
    expect(error.status).toBe(422);
    expect(error.issues[0]).toMatchObject({ loc: ["body", "external_customer_id"], msg: "Customer does not exist." });
  });

  it("gives a token that is a customer, not an organization: refused on the Core API", async () => {
    const customer = await polar.customers.create({ email: "bob@example.com" });
    const session = await polar.customerSessions.create({ customer_id: customer.id });
    const asCustomer = createPolar({ baseUrl: emu.url, accessToken: session.token, maxRetries: 0 });
    const error = (await asCustomer.products.list().catch((e) => e)) as PolarApiError;
    expect(error.status).toBe(401);
  });

  it("expires the token after an hour", async () => {
    const customer = await polar.customers.create({ email: "carol@example.com" });
    const session = await polar.customerSessions.create({ customer_id: customer.id });
    emu.advanceClock(60 * 60 * 1000 + 1000);
    const res = await call(emu, "GET", "/v1/customer-portal/customers/me", { token: session.token });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_token");
  });
});
