// The hosted portal page over real HTTP: what it lists, its forms, and who it lets in.
import { describe, expect, it } from "vitest";
import { otherOrganization, webhookReceiver } from "../src/resources/commerce/testing";
import { buy, monthly, oneTime, sessionOf, uploadDownloadable } from "../src/resources/portal/testing";
import { useEmulator } from "./harness";

const { emu, polar } = await useEmulator();
const receiver = await webhookReceiver(emu);

const file = await uploadDownloadable(polar, "guide<1>.txt", Buffer.from("the guide"));
const license = await polar.benefits.create({ type: "license_keys", description: "Desktop key", properties: {} });
const downloads = await polar.benefits.create({
  type: "downloadables",
  description: "Guide download",
  properties: { files: [file.id] },
});
const book = await oneTime(polar, `<img src=x onerror=alert(1)> Book`, 900, [license.id, downloads.id]);
const basic = await monthly(polar, "Basic & <Small>", 1000);
const pro = await monthly(polar, "Pro plan", 2500);
const customerId = await buy(polar, book.id, "page@example.com", `<script>alert("x")</script>`);
await buy(polar, basic.id, "page@example.com");
const otherId = await buy(polar, basic.id, "someone-else@example.com");
await receiver.take();

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: "manual" });
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${emu.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });

async function subscriptionOf(id: string) {
  const [subscription] = (await polar.subscriptions.list({ customer_id: id })).items;
  if (!subscription) throw new Error("no subscription");
  return subscription;
}

describe("customer portal page", () => {
  it("renders orders with receipts, subscriptions, keys, benefits and downloads, all escaped", async () => {
    const session = await sessionOf(polar, customerId, "https://shop.example/account?a=1&b=2");
    const res = await get(session.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("set-cookie")).toMatch(/polar_portal_session=.*HttpOnly/);
    const html = await res.text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt; Book");
    expect(html).toContain("Basic &amp; &lt;Small&gt;");
    expect(html).toContain('href="https://shop.example/account?a=1&amp;b=2"');

    const [order] = (await polar.orders.list({ customer_id: customerId, product_id: book.id })).items;
    expect(html).toContain(`/__emulator/orders/${order?.id}/receipt`);
    const [key] = (await polar.customerPortal.licenseKeys.list({}, { accessToken: session.token })).items;
    expect(html).toContain(key?.key);
    expect(html).toContain("Desktop key");
    expect(html).toContain("guide&lt;1&gt;.txt");
    const downloadUrl = /href="([^"]*\/__emulator\/downloads\/[^"]+)"/.exec(html)?.[1];
    expect(downloadUrl).toBeDefined();
    expect(await (await fetch(downloadUrl ?? "")).text()).toBe("the guide");
    // Another customer's subscription is not on the page.
    expect(html).not.toContain((await subscriptionOf(otherId)).id);
  });

  it("cancels, resumes and changes plan through its forms, with the API's webhooks", async () => {
    const session = await sessionOf(polar, customerId);
    const subscription = await subscriptionOf(customerId);
    const page = await (await get(session.url)).text();
    expect(page).toContain(`action="/portal/subscriptions/${subscription.id}/cancel"`);
    expect(page).toContain(`<option value="${pro.id}">Pro plan</option>`);

    const cancel = await post(`/portal/subscriptions/${subscription.id}/cancel`, {
      customer_session_token: session.token,
    });
    expect(cancel.status).toBe(303);
    expect((await polar.subscriptions.get(subscription.id)).cancel_at_period_end).toBe(true);
    const types = async () => (await receiver.take()).map((e) => e.type);
    expect(await types()).toEqual(["subscription.updated", "subscription.canceled", "customer.state_changed"]);

    const after = await (await get(`${emu.url}${cancel.headers.get("location")}`)).text();
    expect(after).toContain("will be canceled at the end of the billing period");
    expect(after).toContain(`action="/portal/subscriptions/${subscription.id}/uncancel"`);

    // The cookie the page set is enough for the next form.
    const cookie = `polar_portal_session=${encodeURIComponent(session.token)}`;
    const resume = await post(`/portal/subscriptions/${subscription.id}/uncancel`, {}, { cookie });
    expect(resume.status).toBe(303);
    expect((await polar.subscriptions.get(subscription.id)).cancel_at_period_end).toBe(false);
    expect(await types()).toEqual(["subscription.updated", "subscription.uncanceled", "customer.state_changed"]);

    const change = await post(`/portal/subscriptions/${subscription.id}/change`, {
      customer_session_token: session.token,
      product_id: pro.id,
    });
    expect(change.status).toBe(303);
    expect((await polar.subscriptions.get(subscription.id)).product_id).toBe(pro.id);
    expect(await types()).toContain("subscription.updated");
  });

  it("refuses another customer's subscription and shows the error escaped", async () => {
    const session = await sessionOf(polar, customerId);
    const theirs = await subscriptionOf(otherId);
    const res = await post(`/portal/subscriptions/${theirs.id}/cancel`, { customer_session_token: session.token });
    expect(res.status).toBe(404);
    expect((await polar.subscriptions.get(theirs.id)).cancel_at_period_end).toBe(false);

    const mine = await subscriptionOf(customerId);
    const foreign = await otherOrganization(emu).polar.products.create({
      name: "<b>Foreign</b>",
      recurring_interval: "month",
      prices: [{ amount_type: "fixed", price_amount: 100, price_currency: "usd" }],
    });
    const change = await post(`/portal/subscriptions/${mine.id}/change`, {
      customer_session_token: session.token,
      product_id: foreign.id,
    });
    expect(change.status).toBe(422);
    expect(await change.text()).toContain("Product does not exist.");
    expect((await polar.subscriptions.get(mine.id)).product_id).not.toBe(foreign.id);
    const sqlish = await post(`/portal/subscriptions/${encodeURIComponent("1' OR '1'='1")}/cancel`, {
      customer_session_token: session.token,
    });
    expect(sqlish.status).toBe(404);
  });

  it("links back only to web URLs", async () => {
    const session = await sessionOf(polar, customerId, "javascript://example.com/%0Aalert(1)");
    const html = await (await get(session.url)).text();
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain("&larr; Back");
  });

  it("answers 401 to missing, forged, organization and expired tokens", async () => {
    expect((await get(`${emu.url}/portal`)).status).toBe(401);
    expect((await get(`${emu.url}/portal?customer_session_token=polar_cst_forged`)).status).toBe(401);
    expect((await get(`${emu.url}/portal?customer_session_token=${emu.accessToken}`)).status).toBe(401);
    const hostile = encodeURIComponent(`"><script>alert(1)</script>`);
    const xss = await get(`${emu.url}/portal?customer_session_token=${hostile}`);
    expect(xss.status).toBe(401);
    expect(await xss.text()).not.toContain("<script>alert(1)");
    const subscription = await subscriptionOf(customerId);
    const anonymous = await post(`/portal/subscriptions/${subscription.id}/cancel`, {});
    expect(anonymous.status).toBe(401);

    const session = await sessionOf(polar, customerId);
    emu.advanceClock(60 * 60 * 1000 + 1000);
    expect((await get(session.url)).status).toBe(401);
    const late = await post(`/portal/subscriptions/${subscription.id}/cancel`, {
      customer_session_token: session.token,
    });
    expect(late.status).toBe(401);
    expect((await polar.subscriptions.get(subscription.id)).cancel_at_period_end).toBe(false);
  });
});
