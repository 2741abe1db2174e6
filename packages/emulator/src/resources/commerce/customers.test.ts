import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "../../../test/harness";
import { insertBenefit, insertProduct, otherOrganization, webhookReceiver } from "./testing";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("should fail"),
    (e) => e as PolarApiError,
  );

describe("customers", () => {
  it("creates, reads, updates and lists customers", async () => {
    const created = await polar.customers.create({
      email: "ada@example.com",
      name: "Ada",
      external_id: "ext_ada",
      metadata: { plan: "gold", seats: 3 },
      billing_address: { country: "FR", city: "Paris" },
    });
    expect(created).toMatchObject({
      type: "individual",
      email: "ada@example.com",
      external_id: "ext_ada",
      metadata: { plan: "gold", seats: 3 },
      billing_address: { country: "FR", city: "Paris", line1: null },
      deleted_at: null,
      organization_id: emu.organizationId,
    });
    expect(await polar.customers.get(created.id)).toEqual(created);
    expect(await polar.customers.getExternal("ext_ada")).toEqual(created);

    const updated = await polar.customers.update(created.id, { name: "Ada L.", metadata: { plan: "platinum" } });
    expect(updated).toMatchObject({ name: "Ada L.", metadata: { plan: "platinum" } });
    expect(updated.modified_at).not.toBeNull();
    const byExternal = await polar.customers.updateExternal("ext_ada", { locale: "fr" });
    expect(byExternal.locale).toBe("fr");

    await polar.customers.create({ email: "bob@example.com", name: "Bob" });
    const page = await polar.customers.list({ query: "ada", limit: 5 });
    expect(page.items.map((c) => c.email)).toEqual(["ada@example.com"]);
    const byMetadata = await polar.customers.list({ metadata: { plan: "platinum" } });
    expect(byMetadata.items.map((c) => c.id)).toEqual([created.id]);
    const sorted = await polar.customers.list({ sorting: ["email"] });
    expect(sorted.items.map((c) => c.email)).toEqual(["ada@example.com", "bob@example.com"]);

    const events = await receiver.take();
    expect(events.map((e) => e.type)).toEqual([
      "customer.created",
      "customer.state_changed",
      "customer.updated",
      "customer.state_changed",
      "customer.updated",
      "customer.state_changed",
      "customer.created",
      "customer.state_changed",
    ]);
  });

  it("keeps email and external id unique per organization, and external ids immutable", async () => {
    await polar.customers.create({ email: "unique@example.com", external_id: "ext_unique" });
    const duplicate = await failure(polar.customers.create({ email: "UNIQUE@example.com", external_id: "ext_unique" }));
    expect(duplicate.status).toBe(422);
    expect((duplicate.body as { detail: { loc: string[]; msg: string }[] }).detail).toEqual([
      expect.objectContaining({ loc: ["body", "email"], msg: "A customer with this email address already exists." }),
      expect.objectContaining({
        loc: ["body", "external_id"],
        msg: "A customer with this external ID already exists.",
      }),
    ]);
    // Its own email is not a duplicate of itself.
    expect((await polar.customers.updateExternal("ext_unique", { email: "Unique@example.com" })).email).toBe(
      "unique@example.com",
    );
    const customer = await polar.customers.getExternal("ext_unique");
    const changed = await call(emu, "PATCH", `/v1/customers/${customer.id}`, { body: { external_id: "other" } });
    expect(changed.status).toBe(422);
    expect(changed.body.detail[0]).toMatchObject({
      loc: ["body", "external_id"],
      msg: "Customer external ID cannot be updated.",
    });

    // Another organization may reuse both.
    const other = otherOrganization(emu);
    const theirs = await other.polar.customers.create({ email: "unique@example.com", external_id: "ext_unique" });
    expect(theirs.organization_id).toBe(other.organizationId);
  });

  it("refuses organization_id with an organization token", async () => {
    const res = await call(emu, "POST", "/v1/customers/", {
      body: { email: "org@example.com", organization_id: emu.organizationId },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ["body", "organization_id"], type: "organization_token" });
  });

  it("needs a billing country to store a tax id", async () => {
    const res = await call(emu, "POST", "/v1/customers/", {
      body: { email: "tax@example.com", tax_id: "FR61954506077" },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ["body", "billing_address"], type: "missing" });
    const ok = await polar.customers.create({
      email: "tax@example.com",
      tax_id: "FR61954506077",
      billing_address: { country: "FR" },
    });
    expect(ok.tax_id).toEqual(["FR61954506077", "eu_vat"]);
  });

  it("reports the customer state: active subscriptions and granted benefits", async () => {
    const benefit = insertBenefit(emu, "custom");
    const product = insertProduct(emu, {
      recurring: "month",
      prices: [{ type: "fixed", amount: 0 }],
      benefits: [benefit],
    });
    const customer = await polar.customers.create({ email: "state@example.com", external_id: "ext_state" });
    const empty = await polar.customers.getState(customer.id);
    expect(empty).toMatchObject({ id: customer.id, active_subscriptions: [], granted_benefits: [], active_meters: [] });

    const subscription = await polar.subscriptions.create({ product_id: product.id, customer_id: customer.id });
    const state = await polar.customers.getStateExternal("ext_state");
    expect(state.active_subscriptions).toEqual([
      expect.objectContaining({ id: subscription.id, status: "active", product_id: product.id, meters: [] }),
    ]);
    expect(state.granted_benefits).toEqual([
      expect.objectContaining({ benefit_id: benefit.id, benefit_type: "custom", benefit_metadata: { tier: "gold" } }),
    ]);
    const active = await polar.customers.list({ active: true });
    expect(active.items.map((c) => c.id)).toEqual([customer.id]);
    const inactive = await polar.customers.list({ active: false, limit: 100 });
    expect(inactive.items.map((c) => c.id)).not.toContain(customer.id);
    expect(inactive.items.length).toBeGreaterThan(0);
  });

  it("deletes a customer: its subscriptions end, its benefits go, its external id is freed", async () => {
    const benefit = insertBenefit(emu, "custom");
    const product = insertProduct(emu, {
      recurring: "year",
      prices: [{ type: "fixed", amount: 0 }],
      benefits: [benefit],
    });
    const customer = await polar.customers.create({ email: "leaving@example.com", external_id: "ext_leaving" });
    const subscription = await polar.subscriptions.create({ product_id: product.id, customer_id: customer.id });
    await receiver.take();

    expect((await call(emu, "DELETE", "/v1/customers/external/ext_leaving")).status).toBe(204);
    expect((await failure(polar.customers.get(customer.id))).status).toBe(404);
    expect((await failure(polar.customers.getExternal("ext_leaving"))).status).toBe(404);
    expect(await polar.subscriptions.get(subscription.id)).toMatchObject({ status: "canceled" });
    const again = await polar.customers.create({ email: "someone@example.com", external_id: "ext_leaving" });
    expect(again.external_id).toBe("ext_leaving");

    const types = (await receiver.take()).map((e) => e.type);
    expect(types).toContain("subscription.revoked");
    expect(types).toContain("benefit_grant.revoked");
    expect(types.indexOf("customer.deleted")).toBeGreaterThan(types.indexOf("benefit_grant.revoked"));
  });

  it("anonymizes on request", async () => {
    const customer = await polar.customers.create({
      email: "private@example.com",
      name: "Private Person",
      billing_address: { country: "DE", line1: "Hauptstr. 1" },
    });
    expect((await call(emu, "DELETE", `/v1/customers/${customer.id}?anonymize=true`)).status).toBe(204);
    const stored = emu.state.store.find<{ id: string; email: string; name: string; billing_address: unknown }>(
      "customer",
      customer.id,
    )!;
    expect(stored.email).not.toContain("private");
    expect(stored.name).not.toBe("Private Person");
    expect(stored.billing_address).toBeNull();
  });

  it("exports customers as CSV", async () => {
    await polar.customers.create({ email: "csv@example.com", name: 'Quote "Me", Please', metadata: { a: 1 } });
    const csv = await polar.customers.export();
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe(
      "ID,External ID,Created At,Email,Name,Tax ID,Billing Address Line 1,Billing Address Line 2,Billing Address City,Billing Address State,Billing Address Zip,Billing Address Country,Metadata",
    );
    expect(lines.find((l) => l.includes("csv@example.com"))).toContain('"Quote ""Me"", Please"');
    const res = await fetch(`${emu.url}/v1/customers/export`, {
      headers: { authorization: `Bearer ${emu.accessToken}` },
    });
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
  });

  it("hides customers from other organizations", async () => {
    const customer = await polar.customers.create({ email: "mine@example.com", external_id: "ext_mine" });
    const other = otherOrganization(emu);
    for (const attempt of [
      other.polar.customers.get(customer.id),
      other.polar.customers.getExternal("ext_mine"),
      other.polar.customers.getState(customer.id),
      other.polar.customers.update(customer.id, { name: "stolen" }),
    ]) {
      expect((await failure(attempt)).status).toBe(404);
    }
    expect((await call(emu, "DELETE", `/v1/customers/${customer.id}`, { token: other.token })).status).toBe(404);
    expect((await other.polar.customers.list()).items.map((c) => c.id)).not.toContain(customer.id);
  });

  it("stands hostile input", async () => {
    const wrongType = await call(emu, "POST", "/v1/customers/", { body: { email: 42 } });
    expect(wrongType.status).toBe(422);
    const badEmail = await call(emu, "POST", "/v1/customers/", { body: { email: "not-an-email" } });
    expect(badEmail.status).toBe(422);
    const sql = await call(
      emu,
      "GET",
      `/v1/customers/?query=${encodeURIComponent("' OR 1=1; DROP TABLE resources; --")}`,
    );
    expect(sql.status).toBe(200);
    expect(sql.body.items).toEqual([]);
    const clamped = await call(emu, "GET", "/v1/customers/?limit=1000");
    expect(clamped.status).toBe(200);
    expect(clamped.body.pagination.max_page).toBe(1);
    expect((await call(emu, "GET", "/v1/customers/?limit=0")).status).toBe(422);
    const external = await call(emu, "GET", `/v1/customers/external/${encodeURIComponent("<script>")}`);
    expect(external.status).toBe(404);
    // The store still answers after the SQL-ish query.
    expect((await polar.customers.list()).items.length).toBeGreaterThan(0);
  });
});
