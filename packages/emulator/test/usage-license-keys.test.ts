import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e) => e as PolarApiError,
  );

let buyers = 0;
/** A license key bought the way a customer gets one: a `license_keys` benefit on a paid product. */
async function buyLicenseKey(properties: Record<string, unknown> = {}) {
  const benefit = await polar.benefits.create({
    type: "license_keys",
    description: `License ${++buyers}`,
    properties: {
      prefix: "emu",
      activations: { limit: 2, enable_customer_admin: true },
      limit_usage: 10,
      ...properties,
    },
  } as never);
  const product = await polar.products.create({
    name: `Software ${buyers}`,
    prices: [{ amount_type: "fixed", price_amount: 1500, price_currency: "usd" }],
  } as never);
  await polar.products.updateBenefits(product.id, { benefits: [benefit.id] });
  const checkout = await polar.checkouts.create({ products: [product.id] });
  await polar.checkouts.clientConfirm(checkout.client_secret, {
    customer_email: `licensee-${buyers}@example.com`,
    customer_name: "Licensee",
    customer_billing_address: { country: "FR" },
  });
  const page = await polar.licenseKeys.list({ benefit_id: benefit.id });
  expect(page.items).toHaveLength(1);
  return { benefit, key: page.items[0]! };
}

const organization_id = emu.organizationId;

describe("license keys", () => {
  it("lists, gets and updates keys issued on purchase", async () => {
    const { benefit, key } = await buyLicenseKey();
    expect(key).toMatchObject({
      status: "granted",
      usage: 0,
      limit_usage: 10,
      limit_activations: 2,
      benefit_id: benefit.id,
      organization_id,
    });
    expect(key.key).toMatch(/^EMU-[0-9A-F-]{36}$/);
    expect(await polar.licenseKeys.get(key.id)).toMatchObject({ id: key.id, activations: [] });

    const updated = await polar.licenseKeys.update(key.id, { limit_usage: 20, usage: 3 });
    expect(updated).toMatchObject({ limit_usage: 20, usage: 3, limit_activations: 2, status: "granted" });
    expect((await polar.licenseKeys.list({ status: "revoked", benefit_id: benefit.id })).items).toEqual([]);
    expect((await failure(polar.licenseKeys.get(crypto.randomUUID()))).status).toBe(404);
  });

  it("validates, counts usage and refuses usage past the limit", async () => {
    const { key } = await buyLicenseKey({ limit_usage: 5 });
    const first = await polar.licenseKeys.validate({ key: key.key, organization_id, increment_usage: 2 });
    expect(first).toMatchObject({ id: key.id, usage: 2, validations: 1, activation: null });
    expect(first.last_validated_at).not.toBeNull();

    const over = await failure(polar.licenseKeys.validate({ key: key.key, organization_id, increment_usage: 4 }));
    expect(over.status).toBe(400);
    expect(over.detail).toBe("License key only has 3 more usages.");

    expect((await polar.licenseKeys.validate({ key: key.key, organization_id, increment_usage: 3 })).usage).toBe(5);
    const unknown = await failure(polar.licenseKeys.validate({ key: "NOPE", organization_id }));
    expect(unknown.status).toBe(404);
    const wrongCustomer = await failure(
      polar.licenseKeys.validate({ key: key.key, organization_id, customer_id: crypto.randomUUID() }),
    );
    expect(wrongCustomer.status).toBe(404);
  });

  it("is scoped to the organization", async () => {
    const { key } = await buyLicenseKey();
    const elsewhere = crypto.randomUUID();
    const res = await call(emu, "POST", "/v1/license-keys/validate", {
      body: { key: key.key, organization_id: elsewhere },
    });
    expect(res.status).toBe(404);
    const portal = await call(emu, "POST", "/v1/customer-portal/license-keys/validate", {
      body: { key: key.key, organization_id: elsewhere },
      token: null,
    });
    expect(portal.status).toBe(404);
  });

  it("activates up to the limit, checks conditions, deactivates", async () => {
    const { key } = await buyLicenseKey();
    const activation = await polar.licenseKeys.activate({
      key: key.key,
      organization_id,
      label: "laptop",
      conditions: { major_version: 1 },
      meta: { host: "laptop.local" },
    });
    expect(activation).toMatchObject({ license_key_id: key.id, label: "laptop", meta: { host: "laptop.local" } });
    expect(activation.license_key.id).toBe(key.id);
    expect(await polar.licenseKeys.getActivation(key.id, activation.id)).toMatchObject({ id: activation.id });

    // The public portal route takes the organization from the body.
    const second = await call(emu, "POST", "/v1/customer-portal/license-keys/activate", {
      body: { key: key.key, organization_id, label: "desktop" },
      token: null,
    });
    expect(second.status).toBe(200);
    const third = await failure(polar.licenseKeys.activate({ key: key.key, organization_id, label: "phone" }));
    expect(third.status).toBe(403);
    expect(third.error).toBe("NotPermitted");
    expect(third.detail).toBe("License key activation limit already reached");

    const matching = await polar.licenseKeys.validate({
      key: key.key,
      organization_id,
      activation_id: activation.id,
      conditions: { major_version: 1 },
    });
    expect(matching.activation?.id).toBe(activation.id);
    const mismatch = await failure(
      polar.licenseKeys.validate({
        key: key.key,
        organization_id,
        activation_id: activation.id,
        conditions: { major_version: 2 },
      }),
    );
    expect(mismatch.status).toBe(404);

    const off = await call(emu, "POST", "/v1/license-keys/deactivate", {
      body: { key: key.key, organization_id, activation_id: activation.id },
    });
    expect(off.status).toBe(204);
    const again = await call(emu, "POST", "/v1/customer-portal/license-keys/deactivate", {
      body: { key: key.key, organization_id, activation_id: activation.id },
      token: null,
    });
    expect(again.status).toBe(404);
    expect((await polar.licenseKeys.get(key.id)).activations.map((a) => a.label)).toEqual(["desktop"]);
    expect((await polar.licenseKeys.activate({ key: key.key, organization_id, label: "phone" })).label).toBe("phone");
  });

  it("refuses revoked, disabled and expired keys", async () => {
    const { key } = await buyLicenseKey();
    await polar.licenseKeys.update(key.id, { status: "disabled" });
    const disabled = await failure(polar.licenseKeys.activate({ key: key.key, organization_id, label: "x" }));
    expect([disabled.status, disabled.error]).toEqual([403, "NotPermitted"]);
    expect((await failure(polar.licenseKeys.validate({ key: key.key, organization_id }))).status).toBe(404);

    await polar.licenseKeys.update(key.id, { status: "granted", expires_at: "2024-01-01T00:00:00Z" });
    const expired = await failure(polar.licenseKeys.activate({ key: key.key, organization_id, label: "x" }));
    expect([expired.status, expired.detail]).toEqual([403, "License key has expired."]);
    expect((await failure(polar.licenseKeys.validate({ key: key.key, organization_id }))).status).toBe(404);

    const noActivations = await buyLicenseKey({ activations: null });
    const refused = await failure(
      polar.licenseKeys.activate({ key: noActivations.key.key, organization_id, label: "x" }),
    );
    expect(refused.status).toBe(403);
  });
});
