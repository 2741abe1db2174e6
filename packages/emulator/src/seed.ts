import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "./context";
import { createBenefit } from "./resources/catalog/benefits";
import { createUploadedFile } from "./resources/catalog/files";
import { createProduct, updateProductBenefits } from "./resources/catalog/products";
import { KIND } from "./resources/catalog/shared";
import { createMeter } from "./resources/usage/meters";

// Every demo object carries this metadata, so an app can tell demo data from its own.
const DEMO = { source: "polar-kit-demo" };

const GUIDE = `Polar-kit demo download
=======================

This file is delivered by the "Demo Digital Download" product of the emulator's demo catalog.
Customers who buy it find it in their customer portal under Downloads.
`;

/** The event name the demo meter counts: an app ingests it to record one API call. */
export const DEMO_USAGE_EVENT = "api.call";

const fixed = (price_amount: number) => ({ amount_type: "fixed", price_amount }) as const;

/** The demo products, in creation order. Names are stable: apps and tests may look them up by name. */
const PRODUCTS: Schema<"ProductCreate">[] = [
  { name: "Demo One-Time Purchase", description: "A one-time purchase for $19.", prices: [fixed(1900)] },
  {
    name: "Demo Monthly Subscription",
    description: "A $9 subscription billed every month.",
    recurring_interval: "month",
    prices: [fixed(900)],
  },
  {
    name: "Demo Yearly Subscription",
    description: "A $90 subscription billed every year.",
    recurring_interval: "year",
    prices: [fixed(9000)],
  },
  {
    name: "Demo Pay What You Want",
    description: "Customers choose the amount (nothing, or $0.50 and up); $10 is suggested.",
    prices: [{ amount_type: "custom", minimum_amount: 0, maximum_amount: 100_000, preset_amount: 1000 }],
  },
  {
    name: "Demo Team Seats",
    description: "A monthly team plan: $10 per seat up to 5 seats, $8 per seat beyond.",
    recurring_interval: "month",
    prices: [
      {
        amount_type: "seat_based",
        seat_tiers: {
          seat_tier_type: "volume",
          tiers: [
            { min_seats: 1, max_seats: 5, price_per_seat: 1000 },
            { min_seats: 6, price_per_seat: 800 },
          ],
        },
      },
    ],
  },
  { name: "Demo Software License", description: "A $49 license with a license key.", prices: [fixed(4900)] },
  { name: "Demo Digital Download", description: "A $15 download.", prices: [fixed(1500)] },
  {
    name: "Demo Free Plan",
    description: "A free monthly plan, the kind `subscriptions.create` can start.",
    recurring_interval: "month",
    prices: [fixed(0)],
  },
];

/**
 * Fills an organization with a demo catalog: one product of every kind (one-time, monthly, yearly,
 * pay-what-you-want, seat-based, free), one granting a license key, one a file download, and a
 * usage meter (`api.call` events) whose credits come with the monthly subscription.
 * Runs once per database: an organization that already has products is left alone.
 */
export function seedDemo(state: EmulatorState, organizationId: string): void {
  if (state.store.all(KIND.product, { organizationId }).length) return;
  state.db.transaction(() => {
    const products = new Map(
      PRODUCTS.map((product) => [
        product.name,
        createProduct(state, organizationId, { ...product, metadata: DEMO } as Schema<"ProductCreate">),
      ]),
    );
    const licenseKey = createBenefit(state, organizationId, {
      type: "license_keys",
      description: "Demo license key",
      metadata: DEMO,
      properties: { prefix: "DEMO", activations: { limit: 3, enable_customer_admin: true } },
    });
    const guide = createUploadedFile(state, organizationId, {
      service: "downloadable",
      name: "demo-guide.txt",
      mime_type: "text/plain",
      bytes: Buffer.from(GUIDE),
    });
    const download = createBenefit(state, organizationId, {
      type: "downloadables",
      description: "Demo download",
      metadata: DEMO,
      properties: { files: [guide.id] },
    });
    const apiCalls = createMeter(state, organizationId, {
      name: "Demo API Calls",
      metadata: DEMO,
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: DEMO_USAGE_EVENT }] },
      aggregation: { func: "count" },
    });
    const credits = createBenefit(state, organizationId, {
      type: "meter_credit",
      description: "Demo API credits",
      metadata: DEMO,
      properties: { meter_id: apiCalls.id as string, units: 100, rollover: false },
    });
    const idOf = (name: string) => products.get(name)?.id as string;
    updateProductBenefits(state, organizationId, idOf("Demo Monthly Subscription"), [credits.id]);
    updateProductBenefits(state, organizationId, idOf("Demo Software License"), [licenseKey.id]);
    updateProductBenefits(state, organizationId, idOf("Demo Digital Download"), [download.id]);
  });
}
