import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPolar } from "@polar-kit/core";
import { afterAll, describe, expect, it } from "vitest";
import { readFileBytes } from "../src/resources/catalog/file-storage";
import { DEMO_USAGE_EVENT, seedDemo } from "../src/seed";
import { startEmulator } from "../src/server";
import { useEmulator } from "./harness";

const { emu, polar } = await useEmulator({ seed: "demo" });

describe("the demo catalog", () => {
  it("has a product of every kind, with deterministic names", async () => {
    const products = (await polar.products.list({ limit: 100, sorting: ["created_at"] })).items;
    expect(products.map((p) => p.name)).toEqual([
      "Demo One-Time Purchase",
      "Demo Monthly Subscription",
      "Demo Yearly Subscription",
      "Demo Pay What You Want",
      "Demo Team Seats",
      "Demo Software License",
      "Demo Digital Download",
      "Demo Free Plan",
    ]);
    const byName = new Map(products.map((p) => [p.name, p]));
    expect(byName.get("Demo One-Time Purchase")).toMatchObject({
      is_recurring: false,
      prices: [{ amount_type: "fixed", price_amount: 1900 }],
    });
    expect(byName.get("Demo Monthly Subscription")).toMatchObject({
      recurring_interval: "month",
      prices: [{ price_amount: 900 }],
    });
    expect(byName.get("Demo Yearly Subscription")).toMatchObject({
      recurring_interval: "year",
      prices: [{ price_amount: 9000 }],
    });
    expect(byName.get("Demo Pay What You Want")?.prices[0]).toMatchObject({
      amount_type: "custom",
      minimum_amount: 0,
      preset_amount: 1000,
    });
    expect(byName.get("Demo Team Seats")?.prices[0]).toMatchObject({ amount_type: "seat_based" });
    expect(byName.get("Demo Free Plan")).toMatchObject({
      is_recurring: true,
      prices: [{ amount_type: "fixed", price_amount: 0 }],
    });
    expect(products.every((p) => p.metadata.source === "polar-kit-demo")).toBe(true);
  });

  it("grants a license key and a real downloadable file", async () => {
    const products = (await polar.products.list({ limit: 100 })).items;
    const license = products.find((p) => p.name === "Demo Software License");
    expect(license?.benefits).toEqual([
      expect.objectContaining({ type: "license_keys", properties: expect.objectContaining({ prefix: "DEMO" }) }),
    ]);
    const download = products.find((p) => p.name === "Demo Digital Download");
    const [benefit] = download?.benefits ?? [];
    expect(benefit?.type).toBe("downloadables");
    const files = await polar.benefits.files(benefit!.id);
    expect(files.items).toEqual([
      expect.objectContaining({ name: "demo-guide.txt", is_uploaded: true, mime_type: "text/plain" }),
    ]);
    const bytes = readFileBytes(emu.state, files.items[0]!.id);
    expect(bytes?.toString()).toContain("Demo Digital Download");
    expect(files.items[0]?.size).toBe(bytes?.length);
  });

  it("meters API calls, with 100 calls credited by the monthly subscription", async () => {
    const products = (await polar.products.list({ limit: 100 })).items;
    const monthly = products.find((p) => p.name === "Demo Monthly Subscription");
    expect(monthly?.benefits).toEqual([
      expect.objectContaining({ type: "meter_credit", properties: expect.objectContaining({ units: 100 }) }),
    ]);
    const [meter] = (await polar.meters.list({ limit: 100 })).items;
    expect(meter).toMatchObject({ name: "Demo API Calls", aggregation: { func: "count" } });

    const checkout = await polar.checkouts.create({ products: [monthly!.id], external_customer_id: "user_meter" });
    await polar.checkouts.clientConfirm(checkout.client_secret, {
      customer_email: "meter@example.com",
      customer_name: "Meter",
      customer_billing_address: { country: "FR" },
    });
    const event = { name: DEMO_USAGE_EVENT, external_customer_id: "user_meter" };
    await polar.events.ingest({ events: [event, event, { ...event, name: "other.event" }] });
    const [balance] = (await polar.customerMeters.list({ external_customer_id: "user_meter" })).items;
    expect(balance).toMatchObject({ meter_id: meter!.id, consumed_units: 2, credited_units: 100, balance: 98 });
  });

  it("is seeded once per database", async () => {
    seedDemo(emu.state, emu.organizationId);
    expect((await polar.products.list({ limit: 100 })).pagination.total_count).toBe(8);
    expect((await polar.benefits.list({ limit: 100 })).pagination.total_count).toBe(3);
    expect((await polar.meters.list({ limit: 100 })).pagination.total_count).toBe(1);
  });
});

describe("a reopened database", () => {
  const dir = mkdtempSync(join(tmpdir(), "polar-kit-catalog-seed-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps its demo catalog without a second copy", async () => {
    const file = join(dir, "emulator.db");
    const first = await startEmulator({ port: 0, db: file, seed: "demo" });
    const ids = (
      await createPolar({ baseUrl: first.url, accessToken: first.accessToken }).products.list({ limit: 100 })
    ).items.map((p) => p.id);
    await first.close();
    const second = await startEmulator({ port: 0, db: file, seed: "demo", validateResponses: true });
    try {
      const again = await createPolar({ baseUrl: second.url, accessToken: second.accessToken }).products.list({
        limit: 100,
      });
      expect(again.items.map((p) => p.id).sort()).toEqual([...ids].sort());
      const guide = again.items.find((p) => p.name === "Demo Digital Download")?.benefits[0];
      const [fileId] = (guide?.properties as { files?: string[] } | undefined)?.files ?? [];
      expect(readFileBytes(second.state, fileId ?? "")?.toString()).toContain("Polar-kit demo download");
    } finally {
      await second.close();
    }
  });
});
