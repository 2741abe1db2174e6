// The example store, end to end, the same for every framework: the built app on a real port, the
// emulator with its hosted checkout and signed webhooks, and Debian's Chromium clicking through it
// with JavaScript turned off (the store and the checkout page are plain HTML forms). Each app's
// spec calls `describeStore("<app>")`; the pages' roles, labels and texts below are the contract.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { signWebhook } from "@polar-kit/core/webhooks";
import { type RunningEmulator, startEmulator } from "@polar-kit/emulator";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPS, WEBHOOK_PATH } from "../../scripts/apps.mjs";
import { launchChromium } from "./browser.js";
import { type Child, freePort, startApp } from "./launch.js";

const SUBSCRIBER = "subscriber@example.com";
// Waits are for conditions (a webhook arriving, a page loading); these only bound them.
const WAIT = { timeout: 30_000 };

/** Every file under `dir` (the app's data: a JSON file, an SQLite database and its journal, ...). */
async function dataFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, await readFile(path));
  }
  return files;
}

/** A fingerprint of the app's stored state. */
async function dataFingerprint(dir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const [path, bytes] of [...(await dataFiles(dir))].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(path).update(bytes);
  }
  return hash.digest("hex");
}

export function describeStore(key: keyof typeof APPS): void {
  const example = APPS[key];
  const artifacts = fileURLToPath(new URL(`../../artifacts/example-${key}/`, import.meta.url));
  let appUrl: string;
  let app: Child | undefined;
  let emu: RunningEmulator;
  let browser: Browser;
  let dataDir: string;
  const contexts: BrowserContext[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: false });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(appUrl);
    await page.getByRole("banner").getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(email).first().waitFor(WAIT);
  }

  /** Posts the sign-in form as a browser does (frameworks may answer other clients' posts with JSON). */
  function postLogin(email: string, next: string): Promise<Response> {
    return fetch(`${appUrl}/login`, {
      method: "POST",
      headers: { origin: appUrl, accept: "text/html" },
      body: new URLSearchParams({ email, next }),
      redirect: "manual",
    });
  }

  /** The `name=value` of the session cookie a sign-in sets. */
  async function sessionCookie(email: string): Promise<string> {
    const login = await postLogin(email, "/");
    expect(login.status).toBe(303);
    return login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  }

  /** Clicks Buy on the store and lands on the emulator's hosted checkout page. */
  async function buy(page: Page, product: string): Promise<void> {
    await page.goto(appUrl);
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
    await page.screenshot({ path: join(artifacts, name), fullPage: true });
  }

  beforeAll(async () => {
    await mkdir(artifacts, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), `example-${key}-`));
    // The emulator needs the app's webhook URL before the app has its Polar settings: pick the port first.
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    emu = await startEmulator({ port: 0, seed: "demo", webhookUrl: `${appUrl}${WEBHOOK_PATH}` });
    const started = await startApp(example, port, {
      POLAR_API_URL: emu.url,
      POLAR_ACCESS_TOKEN: emu.accessToken,
      POLAR_WEBHOOK_SECRET: emu.webhookSecret as string,
      APP_URL: appUrl,
      APP_DATA_DIR: dataDir,
      SESSION_SECRET: randomBytes(32).toString("base64url"),
    });
    app = started.child;
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.stop();
    await emu?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  describe(`example store (${example.name})`, () => {
    let subscriber: Page;
    let paidCheckoutId: string;

    it("subscribes a signed-in customer with the test card and shows the paid order", async () => {
      subscriber = await newPage();
      await signIn(subscriber, SUBSCRIBER);
      await screenshot(subscriber, "products.png");
      await buy(subscriber, "Demo Monthly Subscription");
      // The customer came from the session: the checkout already knows the email.
      expect(await subscriber.locator('[name="customer_email"]').inputValue()).toBe(SUBSCRIBER);
      await pay(subscriber, "4242 4242 4242 4242");

      await subscriber.waitForURL((url) => url.origin === appUrl && url.pathname === "/thanks", WAIT);
      // Until the order.paid webhook is stored the page says so and reloads itself every second.
      await subscriber.getByRole("heading", { name: "Payment received" }).waitFor(WAIT);
      const text = (await subscriber.locator("main").textContent()) ?? "";
      expect(text).toContain("Demo Monthly Subscription");
      expect(text).toContain("$9.00");
      await screenshot(subscriber, "thanks.png");

      // The order is kept on disk, not in memory a restart would lose.
      const checkoutId = new URL(subscriber.url()).searchParams.get("checkout_id") as string;
      const stored = [...(await dataFiles(dataDir)).values()].some((bytes) => bytes.includes(checkoutId));
      expect(stored, `no file under the app's data folder mentions checkout ${checkoutId}`).toBe(true);
      paidCheckoutId = checkoutId;
    });

    it("shows an order on /thanks only to the user who paid: others get the page an unknown id gets", async () => {
      const orderId = (await subscriber.getByRole("row", { name: /Order/ }).locator("code").textContent()) ?? "";
      expect(orderId).not.toBe("");
      // Same length as a real id, so the two pages can be compared where a framework echoes the URL.
      const unknownId = paidCheckoutId.replace(/[0-9a-z]/gi, "x");
      const thanks = async (checkoutId: string, cookie?: string) => {
        const response = await fetch(`${appUrl}/thanks?checkout_id=${encodeURIComponent(checkoutId)}`, {
          headers: cookie ? { cookie } : {},
        });
        expect(response.status).toBe(200);
        return (await response.text()).replaceAll(checkoutId, "CHECKOUT_ID");
      };

      for (const cookie of [undefined, await sessionCookie("someone-else@example.com")]) {
        const page = await thanks(paidCheckoutId, cookie);
        expect(page).toContain("Waiting for payment confirmation…");
        for (const secret of [orderId, "Payment received", "Demo Monthly Subscription", "$9.00"]) {
          expect(page).not.toContain(secret);
        }
        // Byte for byte the page of an id that does not exist: it tells nothing, not even that one does.
        expect(page).toBe(await thanks(unknownId, cookie));
      }

      // In a browser too, signed in as another user.
      const other = await newPage();
      await signIn(other, "another-customer@example.com");
      await other.goto(`${appUrl}/thanks?checkout_id=${encodeURIComponent(paidCheckoutId)}`);
      await other.getByRole("heading", { name: "Waiting for payment confirmation…" }).waitFor(WAIT);
      expect(await other.locator("main").textContent()).not.toContain(orderId);
      // The owner still sees it.
      await subscriber.reload();
      await subscriber.getByRole("heading", { name: "Payment received" }).waitFor(WAIT);
    });

    it("shows the active subscription on /account and opens the customer portal for that customer", async () => {
      // subscription.active is sent after order.paid: wait until the emulator has delivered everything.
      await emu.flushWebhooks();
      await subscriber.goto(`${appUrl}/account`);
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

    it("records API calls against the subscription's credits and shows the meter balance", async () => {
      await subscriber.goto(`${appUrl}/account`);
      const meter = subscriber.getByRole("row", { name: /Demo API Calls/ });
      await meter.getByText("0 used").waitFor(WAIT);
      await meter.getByText("100 left").waitFor(WAIT);
      for (let call = 0; call < 2; call++) {
        await subscriber.getByRole("button", { name: "Record an API call" }).click();
        await subscriber.waitForURL(`${appUrl}/account`, WAIT);
      }
      await meter.getByText("2 used").waitFor(WAIT);
      await meter.getByText("98 left").waitFor(WAIT);
      await screenshot(subscriber, "usage.png");
    });

    it("shows the license key a purchase grants on /account", async () => {
      await buy(subscriber, "Demo Software License");
      await pay(subscriber, "4242 4242 4242 4242");
      await subscriber.getByRole("heading", { name: "Payment received" }).waitFor(WAIT);
      await emu.flushWebhooks();
      await subscriber.goto(`${appUrl}/account`);
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
      await page.goto(`${appUrl}/account`);
      expect(await page.locator("main").textContent()).toContain("No orders yet");
      // The portal is looked up by the session's user, who is no Polar customer.
      const portal = await page.goto(`${appUrl}/portal`);
      expect(portal?.status()).toBe(404);
      await page.getByRole("heading", { name: "Nothing to manage yet" }).waitFor(WAIT);
    });

    it("refuses a webhook with a bad signature with 403 and stores nothing", async () => {
      const before = await dataFingerprint(dataDir);
      const body = JSON.stringify({
        type: "order.paid",
        timestamp: new Date().toISOString(),
        data: { id: "forged-order", checkout_id: "forged", customer: { external_id: "user_forged" } },
      });
      const forged = await signWebhook({ body, secret: "whsec_not-the-real-secret" });
      for (const headers of [forged, {}]) {
        const response = await fetch(`${appUrl}${WEBHOOK_PATH}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body,
        });
        expect(response.status).toBe(403);
      }
      expect(await dataFingerprint(dataDir)).toBe(before);
    });

    it("waits on /thanks, reloading every second, while the order is not confirmed", async () => {
      const response = await fetch(`${appUrl}/thanks?checkout_id=not-paid-yet`);
      expect(response.status).toBe(200);
      const page = await response.text();
      expect(page).toMatch(/<meta http-equiv="refresh" content="1"\/?>/);
      expect(page).toContain("Waiting for payment confirmation…");
    });

    it("escapes what visitors type", async () => {
      const cookie = await sessionCookie(`<script>alert("hi")</script>@example.com`);
      const account = await (await fetch(`${appUrl}/account`, { headers: { cookie } })).text();
      // Svelte leaves `>` alone in text: only `<` and `&` must be escaped for the tag to stay text.
      expect(account).toMatch(/&lt;script(&gt;|>)alert\(/);
      expect(account).not.toContain('<script>alert("hi")');
    });

    it("sends the visitor back to this site after sign-in, whatever `next` says", async () => {
      // Each of these normalizes to `//evil.com`, which a browser reads as another site.
      for (const next of ["/.//evil.com", "/..//evil.com", "/%2e//evil.com", "/a/..//evil.com", "/\t/evil.com"]) {
        const login = await postLogin("redirected@example.com", next);
        expect(login.status, next).toBe(303);
        const location = login.headers.get("location") ?? "";
        expect(location, next).not.toMatch(/^[/\\]{2}/);
        expect(new URL(location, appUrl).href, next).toBe(`${appUrl}/`);
      }
      // The link's `next` never reaches the form either.
      const page = await newPage();
      await page.goto(`${appUrl}/login?next=${encodeURIComponent("/.//evil.com")}`);
      expect(await page.locator('input[name="next"]').inputValue()).toBe("/");
    });

    it("refuses a form posted from another site", async () => {
      const response = await fetch(`${appUrl}/login`, {
        method: "POST",
        headers: { origin: "https://evil.example" },
        body: new URLSearchParams({ email: "victim@example.com" }),
        redirect: "manual",
      });
      expect(response.status).toBe(403);
    });

    it("cancels in the portal, shows it on /account, and ends access at the period's end", async () => {
      await subscriber.goto(`${appUrl}/portal`);
      await subscriber.getByRole("button", { name: "Cancel subscription" }).first().click();
      await subscriber
        .getByRole("button", { name: /Resume|Uncancel/ })
        .first()
        .waitFor(WAIT);
      await emu.flushWebhooks();

      await subscriber.goto(`${appUrl}/account`);
      const row = subscriber.getByRole("row", { name: /Demo Monthly Subscription/ });
      await row.getByText("(canceled)").waitFor(WAIT);

      // Past the end of the paid period the emulator revokes it, and the app takes access away.
      emu.advanceClock(40 * 24 * 60 * 60 * 1000);
      await emu.flushWebhooks();
      await subscriber.goto(`${appUrl}/account`);
      await row.getByText("Access ended").waitFor(WAIT);
      await screenshot(subscriber, "account-ended.png");
    });
  });
}
