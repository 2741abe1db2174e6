// The example store end to end: the real app on a real port, the emulator with its hosted checkout
// and signed webhooks, and Debian's Chromium clicking through it with JavaScript turned off (the
// store and the checkout page are plain HTML forms).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signWebhook } from "@polar-kit/core";
import { type RunningEmulator, startEmulator } from "@polar-kit/emulator";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppConfig } from "../src/config.js";
import { type RunningServer, startServer } from "../src/server.js";
import { launchChromium } from "./browser.js";

const ARTIFACTS = fileURLToPath(new URL("../../../artifacts/example-hono/", import.meta.url));
const SUBSCRIBER = "subscriber@example.com";
// Waits are for conditions (a webhook arriving, a page loading); these only bound them.
const WAIT = { timeout: 30_000 };

let app: RunningServer;
let emu: RunningEmulator;
let browser: Browser;
let dataDir: string;
let config: AppConfig | undefined;
const contexts: BrowserContext[] = [];

const storeFile = () => join(dataDir, "store.json");

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  contexts.push(context);
  return context.newPage();
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(app.url);
  await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText(email).waitFor(WAIT);
}

/** Clicks Buy on the store and lands on the emulator's hosted checkout page. */
async function buy(page: Page, product: string): Promise<void> {
  await page.goto(app.url);
  await page.getByRole("button", { name: `Buy ${product}` }).click();
  await page.waitForURL(`${emu.url}/checkout/**`, WAIT);
}

/** Fills the hosted checkout form (field names as the emulator's page renders them) and pays. */
async function pay(page: Page, card: string): Promise<void> {
  const expiry = `12/${String((new Date().getFullYear() + 3) % 100).padStart(2, "0")}`;
  await page.locator('[name="customer_name"]').fill("Jane Doe");
  await page.locator('[name="country"]').selectOption("DE");
  await page.locator('[name="line1"]').fill("Hauptstraße 1");
  await page.locator('[name="postal_code"]').fill("10115");
  await page.locator('[name="city"]').fill("Berlin");
  await page.locator('[name="card_number"]').fill(card);
  await page.locator('[name="card_expiry"]').fill(expiry);
  await page.locator('[name="card_cvc"]').fill("123");
  await page.getByRole("button", { name: /^Pay / }).click();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  dataDir = await mkdtemp(join(tmpdir(), "example-hono-"));
  // The app must listen first (the emulator needs its webhook URL); its config follows.
  app = await startServer({
    port: 0,
    config: () => {
      if (!config) throw new Error("the store is not configured yet");
      return config;
    },
  });
  emu = await startEmulator({ port: 0, seed: "demo", webhookUrl: `${app.url}/webhooks/polar` });
  config = {
    polar: {
      accessToken: emu.accessToken,
      webhookSecret: emu.webhookSecret as string,
      baseUrl: emu.url,
      server: "sandbox",
    },
    dataDir,
    appUrl: app.url,
    sessionSecret: randomBytes(32).toString("base64url"),
  };
  browser = await launchChromium();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await emu?.close();
  await app?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("example store (Hono)", () => {
  let subscriber: Page;

  it("subscribes a signed-in customer with the test card and shows the paid order", async () => {
    subscriber = await newPage();
    await signIn(subscriber, SUBSCRIBER);
    await screenshot(subscriber, "products.png");
    await buy(subscriber, "Demo Monthly Subscription");
    // The customer came from the session: the checkout already knows the email.
    expect(await subscriber.locator('[name="customer_email"]').inputValue()).toBe(SUBSCRIBER);
    await pay(subscriber, "4242 4242 4242 4242");

    await subscriber.waitForURL((url) => url.origin === app.url && url.pathname === "/thanks", WAIT);
    // Until the order.paid webhook is stored the page says so and reloads itself every second.
    await subscriber.getByRole("heading", { name: "Payment received" }).waitFor(WAIT);
    const text = (await subscriber.locator("main").textContent()) ?? "";
    expect(text).toContain("Demo Monthly Subscription");
    expect(text).toContain("$9.00");
    await screenshot(subscriber, "thanks.png");

    const stored = JSON.parse(await readFile(storeFile(), "utf8"));
    const checkoutId = new URL(subscriber.url()).searchParams.get("checkout_id");
    const order = Object.values(stored.orders as Record<string, { checkoutId: string; externalCustomerId: string }>);
    expect(order).toEqual([
      expect.objectContaining({ checkoutId, externalCustomerId: expect.stringMatching(/^user_/) }),
    ]);
  });

  it("shows the active subscription on /account and opens the customer portal for that customer", async () => {
    // subscription.active is sent after order.paid: wait until the emulator has delivered everything.
    await emu.flushWebhooks();
    await subscriber.goto(`${app.url}/account`);
    const row = subscriber.getByRole("row", { name: /Demo Monthly Subscription/ });
    await row.getByText("Active").waitFor(WAIT);
    await screenshot(subscriber, "account.png");

    const portal = subscriber.waitForResponse((response) => response.url().startsWith(`${emu.url}/portal?`), WAIT);
    await subscriber.getByRole("link", { name: "Manage subscription" }).click();
    const response = await portal;
    // The portal opened for the signed-in user: the emulator's page lists their subscription.
    expect(new URL(response.url()).searchParams.get("customer_session_token")).toMatch(/^polar_cst_/);
    expect(response.status()).toBe(200);
    await subscriber.getByText("Demo Monthly Subscription").first().waitFor(WAIT);
    await screenshot(subscriber, "portal.png");
  });

  it("shows the license key a purchase grants on /account", async () => {
    await buy(subscriber, "Demo Software License");
    await pay(subscriber, "4242 4242 4242 4242");
    await subscriber.getByRole("heading", { name: "Payment received" }).waitFor(WAIT);
    await emu.flushWebhooks();
    await subscriber.goto(`${app.url}/account`);
    const key = subscriber.getByRole("row", { name: /Demo license key/ });
    expect(await key.textContent()).toMatch(/\*\*\*\*-[0-9A-F]{6}/);
  });

  it("keeps a declined card on the checkout with an error, and no order appears", async () => {
    const page = await newPage();
    await signIn(page, "declined@example.com");
    await buy(page, "Demo One-Time Purchase");
    const checkoutUrl = page.url();
    await pay(page, "4000 0000 0000 0002");

    await page.getByRole("alert").getByText("Your card was declined").waitFor(WAIT);
    expect(page.url()).toBe(checkoutUrl);
    await screenshot(page, "declined.png");
    await emu.flushWebhooks();
    await page.goto(`${app.url}/account`);
    expect(await page.locator("main").textContent()).toContain("No orders yet");
    // The portal is looked up by the session's user, who is no Polar customer.
    const portal = await page.goto(`${app.url}/portal`);
    expect(portal?.status()).toBe(404);
    await page.getByRole("heading", { name: "Nothing to manage yet" }).waitFor(WAIT);
  });

  it("refuses a webhook with a bad signature with 403 and stores nothing", async () => {
    const before = await readFile(storeFile(), "utf8");
    const body = JSON.stringify({
      type: "order.paid",
      timestamp: new Date().toISOString(),
      data: { id: "forged-order", checkout_id: "forged", customer: { external_id: "user_forged" } },
    });
    const forged = await signWebhook({ body, secret: "whsec_not-the-real-secret" });
    for (const headers of [forged, {}]) {
      const response = await fetch(`${app.url}/webhooks/polar`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
      expect(response.status).toBe(403);
    }
    expect(await readFile(storeFile(), "utf8")).toBe(before);
  });

  it("waits on /thanks, reloading every second, while the order is not confirmed", async () => {
    const response = await fetch(`${app.url}/thanks?checkout_id=not-paid-yet`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<meta http-equiv="refresh" content="1">');
    expect(page).toContain("Waiting for payment confirmation…");
  });

  it("escapes what visitors type", async () => {
    const email = `<script>alert("hi")</script>@example.com`;
    const login = await fetch(`${app.url}/login`, {
      method: "POST",
      headers: { origin: app.url },
      body: new URLSearchParams({ email, next: "/account" }),
      redirect: "manual",
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const account = await (await fetch(`${app.url}/account`, { headers: { cookie } })).text();
    expect(account).toContain("&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;@example.com");
    expect(account).not.toContain("<script");
  });

  it("refuses a form posted from another site", async () => {
    const response = await fetch(`${app.url}/login`, {
      method: "POST",
      headers: { origin: "https://evil.example" },
      body: new URLSearchParams({ email: "victim@example.com" }),
      redirect: "manual",
    });
    expect(response.status).toBe(403);
  });

  it("cancels in the portal, shows it on /account, and ends access at the period's end", async () => {
    await subscriber.goto(`${app.url}/portal`);
    await subscriber.getByRole("button", { name: "Cancel subscription" }).first().click();
    await subscriber
      .getByRole("button", { name: /Resume|Uncancel/ })
      .first()
      .waitFor(WAIT);
    await emu.flushWebhooks();

    await subscriber.goto(`${app.url}/account`);
    const row = subscriber.getByRole("row", { name: /Demo Monthly Subscription/ });
    await row.getByText("(canceled)").waitFor(WAIT);

    // Past the end of the paid period the emulator revokes it, and the app takes access away.
    emu.advanceClock(40 * 24 * 60 * 60 * 1000);
    await emu.flushWebhooks();
    await subscriber.goto(`${app.url}/account`);
    await row.getByText("Access ended").waitFor(WAIT);
    await screenshot(subscriber, "account-ended.png");
  });
});
