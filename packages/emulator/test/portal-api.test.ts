// The Customer Portal API over real HTTP: a customer session sees its own customer's data only.
import { createHash } from "node:crypto";
import type { PolarApiError } from "@polar-kit/core";
import { describe, expect, it } from "vitest";
import { otherOrganization, webhookReceiver } from "../src/resources/commerce/testing";
import { buy, monthly, oneTime, sessionOf, uploadDownloadable } from "../src/resources/portal/testing";
import { call, useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("should fail"),
    (e) => e as PolarApiError,
  );

// Alice buys a one-time product (license key + downloadable) and a monthly plan; Bob buys the plan.
const fileBytes = Buffer.from("portal download bytes \u0000\u00ff binary-ish");
const file = await uploadDownloadable(polar, "manual.pdf", fileBytes);
const license = await polar.benefits.create({
  type: "license_keys",
  description: "App license",
  properties: { prefix: "APP", activations: { limit: 2, enable_customer_admin: true } },
});
const downloads = await polar.benefits.create({
  type: "downloadables",
  description: "Manual download",
  properties: { files: [file.id] },
});
const perk = await polar.benefits.create({ type: "custom", description: "Support chat", properties: { note: "Hi" } });
const book = await oneTime(polar, "Ebook", 1500, [license.id, downloads.id]);
const basic = await monthly(polar, "Basic", 1000, [perk.id]);
const pro = await monthly(polar, "Pro", 3000, [perk.id]);
const aliceId = await buy(polar, book.id, "alice@example.com", "Alice");
await buy(polar, basic.id, "alice@example.com", "Alice");
const bobId = await buy(polar, basic.id, "bob@example.com", "Bob");
const alice = await sessionOf(polar, aliceId, "https://shop.example/account");
const bob = await sessionOf(polar, bobId);
const as = (token: string) => ({ accessToken: token });
await receiver.take();

describe("customer portal: the customer and the session", () => {
  it("reads and updates the session's customer (billing details only)", async () => {
    const me = await polar.customerPortal.customers.get(as(alice.token));
    expect(me).toMatchObject({ id: aliceId, email: "alice@example.com", name: "Alice", oauth_accounts: {} });
    expect(me).not.toHaveProperty("metadata");
    const updated = await polar.customerPortal.customers.update(
      { billing_name: "<b>Alice & Co</b>", billing_address: { country: "DE", city: "Berlin" } },
      as(alice.token),
    );
    expect(updated).toMatchObject({ billing_name: "<b>Alice & Co</b>", billing_address: { country: "DE" } });
    expect((await polar.customers.get(aliceId)).billing_name).toBe("<b>Alice & Co</b>");
    expect((await receiver.take()).map((e) => e.type)).toEqual(["customer.updated", "customer.state_changed"]);
  });

  it("introspects the session and names the authenticated user", async () => {
    const session = await polar.customerPortal.customerSession.introspect(as(alice.token));
    expect(session.return_url).toBe("https://shop.example/account");
    expect(new Date(session.expires_at).getTime()).toBeGreaterThan(Date.now());
    const user = await polar.customerPortal.customerSession.getAuthenticatedUser(as(bob.token));
    expect(user).toMatchObject({ type: "customer", customer_id: bobId, email: "bob@example.com", name: "Bob" });
  });

  it("serves the organization by slug without a token, with its public products", async () => {
    const org = await polar.organizations.get(emu.organizationId);
    const res = await call(emu, "GET", `/v1/customer-portal/organizations/${org.slug}`, { token: null });
    expect(res.status).toBe(200);
    expect(res.body.organization).toMatchObject({ id: org.id, slug: org.slug });
    expect(res.body.products.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["Ebook", "Basic", "Pro"]),
    );
    const missing = await call(emu, "GET", "/v1/customer-portal/organizations/no-such-org", { token: null });
    expect(missing.status).toBe(404);
  });
});

describe("customer portal: orders", () => {
  it("lists and reads the customer's own orders, with receipts and invoices", async () => {
    const page = await polar.customerPortal.orders.list({}, as(alice.token));
    expect(page.items.map((o) => o.product?.name).sort()).toEqual(["Basic", "Ebook"]);
    expect(page.items.every((o) => o.customer_id === aliceId)).toBe(true);
    const ebook = page.items.find((o) => o.product?.name === "Ebook");
    if (!ebook) throw new Error("no ebook order");
    expect(ebook.product?.organization.id).toBe(emu.organizationId);
    const filtered = await polar.customerPortal.orders.list({ product_id: book.id }, as(alice.token));
    expect(filtered.items.map((o) => o.id)).toEqual([ebook.id]);

    const receipt = await polar.customerPortal.orders.receipt(ebook.id, as(alice.token));
    const document = await fetch(receipt?.url ?? "");
    expect(document.status).toBe(200);

    const missingInvoice = await failure(polar.customerPortal.orders.invoice(ebook.id, as(alice.token)));
    expect(missingInvoice.status).toBe(404);
    const patched = await polar.customerPortal.orders.update(
      ebook.id,
      { billing_name: "Alice GmbH", billing_address: { country: "US", line1: "Main St 1" } },
      as(alice.token),
    );
    // The country stays as it was.
    expect(patched.billing_address).toMatchObject({ country: "FR", line1: "Main St 1" });
    const generated = await call(emu, "POST", `/v1/customer-portal/orders/${ebook.id}/invoice`, {
      token: alice.token,
    });
    expect(generated.status).toBe(202);
    const invoice = await polar.customerPortal.orders.invoice(ebook.id, as(alice.token));
    expect((await fetch(invoice.url)).status).toBe(200);
  });

  it("answers 404 for another customer's order, the same as for an unknown one", async () => {
    const [bobsOrder] = (await polar.customerPortal.orders.list({}, as(bob.token))).items;
    if (!bobsOrder) throw new Error("bob has no order");
    for (const path of ["", "/receipt", "/invoice"]) {
      const res = await call(emu, "GET", `/v1/customer-portal/orders/${bobsOrder.id}${path}`, { token: alice.token });
      expect(res.status, path).toBe(404);
    }
    const patch = await call(emu, "PATCH", `/v1/customer-portal/orders/${bobsOrder.id}`, {
      token: alice.token,
      body: { billing_name: "Mallory" },
    });
    expect(patch.status).toBe(404);
    const post = await call(emu, "POST", `/v1/customer-portal/orders/${bobsOrder.id}/invoice`, { token: alice.token });
    expect(post.status).toBe(404);
    expect((await polar.orders.get(bobsOrder.id)).billing_name).not.toBe("Mallory");
  });
});

describe("customer portal: subscriptions", () => {
  it("cancels at period end (DELETE), uncancels, and changes plan, with the Core API's webhooks", async () => {
    await receiver.take();
    const [subscription] = (await polar.customerPortal.subscriptions.list({ active: true }, as(alice.token))).items;
    if (!subscription) throw new Error("alice has no subscription");
    expect(subscription).toMatchObject({ customer_id: aliceId, product: { name: "Basic" } });

    const canceled = await polar.customerPortal.subscriptions.cancel(subscription.id, as(alice.token));
    expect(canceled).toMatchObject({ status: "active", cancel_at_period_end: true });
    expect(canceled.ends_at).toBe(subscription.current_period_end);
    const types = async () => (await receiver.take()).map((e) => e.type);
    expect(await types()).toEqual(["subscription.updated", "subscription.canceled", "customer.state_changed"]);

    const twice = await failure(polar.customerPortal.subscriptions.cancel(subscription.id, as(alice.token)));
    expect(twice.status).toBe(403);

    const resumed = await polar.customerPortal.subscriptions.update(
      subscription.id,
      { cancel_at_period_end: false },
      as(alice.token),
    );
    expect(resumed).toMatchObject({ cancel_at_period_end: false, canceled_at: null, ends_at: null });
    expect(await types()).toEqual(["subscription.updated", "subscription.uncanceled", "customer.state_changed"]);

    const reason = await polar.customerPortal.subscriptions.update(
      subscription.id,
      { cancel_at_period_end: true, cancellation_reason: "too_expensive", cancellation_comment: "<script>" },
      as(alice.token),
    );
    expect(reason).toMatchObject({
      customer_cancellation_reason: "too_expensive",
      customer_cancellation_comment: "<script>",
    });
    await polar.customerPortal.subscriptions.update(subscription.id, { cancel_at_period_end: false }, as(alice.token));
    await receiver.take();

    const upgraded = await polar.customerPortal.subscriptions.update(
      subscription.id,
      { product_id: pro.id },
      as(alice.token),
    );
    expect(upgraded).toMatchObject({ product_id: pro.id, amount: 3000, product: { name: "Pro" } });
    expect((await polar.subscriptions.get(subscription.id)).product_id).toBe(pro.id);
    expect(await types()).toContain("subscription.updated");
  });

  it("refuses another customer's subscription and another organization's product", async () => {
    const [bobs] = (await polar.customerPortal.subscriptions.list({}, as(bob.token))).items;
    if (!bobs) throw new Error("bob has no subscription");
    const get = await call(emu, "GET", `/v1/customer-portal/subscriptions/${bobs.id}`, { token: alice.token });
    expect(get.status).toBe(404);
    const del = await call(emu, "DELETE", `/v1/customer-portal/subscriptions/${bobs.id}`, { token: alice.token });
    expect(del.status).toBe(404);
    const patch = await call(emu, "PATCH", `/v1/customer-portal/subscriptions/${bobs.id}`, {
      token: alice.token,
      body: { cancel_at_period_end: true },
    });
    expect(patch.status).toBe(404);
    expect((await polar.subscriptions.get(bobs.id)).cancel_at_period_end).toBe(false);

    const other = otherOrganization(emu);
    const foreign = await other.polar.products.create({
      name: "Foreign",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 100, price_currency: "usd" }],
    });
    const change = await call(emu, "PATCH", `/v1/customer-portal/subscriptions/${bobs.id}`, {
      token: bob.token,
      body: { product_id: foreign.id },
    });
    expect(change.status).toBe(422);
    await receiver.take();
  });
});

describe("customer portal: benefits, license keys and downloads", () => {
  it("lists grants and license keys of the customer only", async () => {
    const grants = await polar.customerPortal.benefitGrants.list({}, as(alice.token));
    expect(grants.items.map((g) => g.benefit.description).sort()).toEqual([
      "App license",
      "Manual download",
      "Support chat",
    ]);
    const licenseGrant = grants.items.find((g) => g.benefit.type === "license_keys");
    if (!licenseGrant) throw new Error("no license grant");
    expect((await polar.customerPortal.benefitGrants.get(licenseGrant.id, as(alice.token))).id).toBe(licenseGrant.id);
    const bobsGrants = await polar.customerPortal.benefitGrants.list({}, as(bob.token));
    expect(bobsGrants.items.map((g) => g.benefit.description)).toEqual(["Support chat"]);
    const res = await call(emu, "GET", `/v1/customer-portal/benefit-grants/${licenseGrant.id}`, { token: bob.token });
    expect(res.status).toBe(404);

    const keys = await polar.customerPortal.licenseKeys.list({}, as(alice.token));
    expect(keys.items).toHaveLength(1);
    const [key] = keys.items;
    expect(key?.key).toMatch(/^APP-/);
    expect((await polar.customerPortal.licenseKeys.get(key?.id ?? "", as(alice.token))).activations).toEqual([]);
    const activation = await call(emu, "POST", "/v1/customer-portal/license-keys/activate", {
      token: null,
      body: { key: key?.key, organization_id: emu.organizationId, label: "laptop" },
    });
    expect(activation.status).toBe(200);
    const full = await polar.customerPortal.licenseKeys.get(key?.id ?? "", as(alice.token));
    expect(full).toMatchObject({ id: key?.id, activations: [{ id: activation.body.id, label: "laptop" }] });
    expect((await polar.customerPortal.licenseKeys.list({}, as(bob.token))).items).toEqual([]);
    const stolen = await call(emu, "GET", `/v1/customer-portal/license-keys/${key?.id}`, { token: bob.token });
    expect(stolen.status).toBe(404);
  });

  it("hands out a download URL that serves the file's exact bytes", async () => {
    const page = await polar.customerPortal.downloadables.list({}, as(alice.token));
    expect(page.items).toHaveLength(1);
    const [item] = page.items;
    if (!item) throw new Error("no downloadable");
    expect(item).toMatchObject({ benefit_id: downloads.id, file: { id: file.id, name: "manual.pdf" } });
    const res = await fetch(item.file.download.url);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(fileBytes)).toBe(true);
    expect(createHash("sha256").update(bytes).digest("base64")).toBe(item.file.checksum_sha256_base64);
    expect((await polar.customerPortal.downloadables.list({}, as(bob.token))).items).toEqual([]);

    emu.advanceClock(61 * 60 * 1000);
    expect((await fetch(item.file.download.url)).status).toBe(403);
    const forged = await fetch(`${emu.url}/__emulator/downloads/${"x".repeat(32)}`);
    expect(forged.status).toBe(403);
  });
});

describe("customer portal: authentication and hostile input", () => {
  // The download test moved the clock past the first sessions' hour.
  const fresh = async () => (await sessionOf(polar, aliceId)).token;

  it("refuses portal tokens on the Core API and organization tokens on the portal", async () => {
    for (const path of ["/v1/orders/", "/v1/customers/", `/v1/customers/${aliceId}`, "/v1/subscriptions/"]) {
      const res = await call(emu, "GET", path, { token: bob.token });
      expect(res.status, path).toBe(401);
    }
    const res = await call(emu, "GET", "/v1/customer-portal/orders/", { token: emu.accessToken });
    expect(res.status).toBe(401);
    const none = await call(emu, "GET", "/v1/customer-portal/customers/me", { token: null });
    expect(none.status).toBe(401);
    const bogus = await call(emu, "GET", "/v1/customer-portal/customers/me", { token: "polar_cst_nope" });
    expect(bogus.status).toBe(401);
  });

  it("keeps a customer of another organization out of this one's objects", async () => {
    const other = otherOrganization(emu);
    const product = await other.polar.products.create({
      name: "Elsewhere",
      prices: [{ amount_type: "fixed", price_amount: 500, price_currency: "usd" }],
    });
    // Same email, different organization: a different customer.
    const strangerId = await buy(other.polar, product.id, "alice@example.com", "Other Alice");
    expect(strangerId).not.toBe(aliceId);
    const stranger = await sessionOf(other.polar, strangerId);
    const orders = await polar.customerPortal.orders.list({}, as(stranger.token));
    expect(orders.items.map((o) => o.product?.name)).toEqual(["Elsewhere"]);
    const [ebook] = (await polar.customerPortal.orders.list({ product_id: book.id }, as(await fresh()))).items;
    const res = await call(emu, "GET", `/v1/customer-portal/orders/${ebook?.id}`, { token: stranger.token });
    expect(res.status).toBe(404);
    expect((await polar.customerPortal.licenseKeys.list({}, as(stranger.token))).items).toEqual([]);
    expect((await polar.customerPortal.benefitGrants.list({}, as(stranger.token))).items).toEqual([]);
  });

  it("answers SQL-ish and malformed ids and queries without leaking anything", async () => {
    const token = await fresh();
    const hostile = encodeURIComponent("' OR 1=1 --");
    for (const path of ["orders", "subscriptions", "license-keys", "benefit-grants"]) {
      const res = await call(emu, "GET", `/v1/customer-portal/${path}/${hostile}`, { token });
      expect([404, 422], path).toContain(res.status);
    }
    const search = await call(emu, "GET", `/v1/customer-portal/orders/?query=${hostile}`, { token });
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);
    const org = await call(emu, "GET", `/v1/customer-portal/organizations/${hostile}`, { token: null });
    expect(org.status).toBe(404);
  });

  it("stops answering once the session expires", async () => {
    const session = await sessionOf(polar, bobId);
    emu.advanceClock(60 * 60 * 1000 + 1000);
    const res = await call(emu, "GET", "/v1/customer-portal/orders/", { token: session.token });
    expect(res.status).toBe(401);
  });
});
