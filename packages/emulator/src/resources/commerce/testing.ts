// Test helpers of the purchase flow: catalog objects inserted straight into the store (schema-valid,
// so every response embedding them is checked against the spec), a second organization, a real
// webhook receiver, and the hosted page's form.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhook } from "@polar-kit/core/webhooks";
import { afterAll } from "vitest";
import { build } from "../../defaults";
import { secret, uuid } from "../../ids";
import type { RunningEmulator } from "../../server";
import { validatorAt } from "../../validate";
import { registerWebhookEndpoint } from "../../webhooks/endpoints";
import type { Benefit, Discount, Price, Product } from "./shared";

type Interval = "day" | "week" | "month" | "year";

export type PriceSpec =
  | { type: "fixed"; amount: number; currency?: string }
  | { type: "custom"; minimum?: number; maximum?: number | null; preset?: number | null }
  | { type: "seat_based"; tiers: { min_seats: number; max_seats: number | null; price_per_seat: number }[] }
  | { type: "metered_unit" };

function price(productId: string, spec: PriceSpec, now: string): Price {
  const common = {
    id: uuid(),
    created_at: now,
    modified_at: null,
    source: "catalog",
    price_currency: spec.type === "fixed" ? (spec.currency ?? "usd") : "usd",
    tax_behavior: null,
    is_archived: false,
    product_id: productId,
  };
  switch (spec.type) {
    case "fixed":
      return build("ProductPriceFixed", now, { ...common, amount_type: "fixed", price_amount: spec.amount }) as never;
    case "custom":
      return build("ProductPriceCustom", now, {
        ...common,
        amount_type: "custom",
        minimum_amount: spec.minimum ?? 50,
        maximum_amount: spec.maximum ?? null,
        preset_amount: spec.preset ?? null,
      }) as never;
    case "seat_based":
      return build("ProductPriceSeatBased", now, {
        ...common,
        amount_type: "seat_based",
        seat_tiers: {
          seat_tier_type: "volume",
          tiers: spec.tiers,
          minimum_seats: spec.tiers[0]?.min_seats ?? 1,
          maximum_seats: spec.tiers.at(-1)?.max_seats ?? null,
        },
      }) as never;
    default:
      return build("ProductPriceMeteredUnit", now, {
        ...common,
        amount_type: "metered_unit",
        unit_amount: "0.5",
        cap_amount: null,
        meter_id: uuid(),
        meter: { id: uuid(), name: "API calls", unit: "scalar", custom_label: null, custom_multiplier: null },
      }) as never;
  }
}

export interface ProductSpec {
  name?: string;
  description?: string | null;
  recurring?: Interval;
  intervalCount?: number;
  trial?: { interval: Interval; count: number };
  prices?: PriceSpec[];
  benefits?: Benefit[];
  customFields?: { slug: string; type?: "text" | "number" | "checkbox" | "select"; required?: boolean }[];
  organizationId?: string;
}

/** A schema-valid `Product` stored as the catalog stores it (custom fields stored as well). */
export function insertProduct(emu: RunningEmulator, spec: ProductSpec = {}): Product {
  const now = emu.state.clock.iso();
  const id = uuid();
  const organizationId = spec.organizationId ?? emu.organizationId;
  const attached = (spec.customFields ?? []).map((field, order) => {
    const type = field.type ?? "text";
    const properties =
      type === "select"
        ? {
            options: [
              { value: "small", label: "Small" },
              { value: "large", label: "Large" },
            ],
          }
        : {};
    const customField = build(`CustomField${type[0]?.toUpperCase()}${type.slice(1)}`, now, {
      id: uuid(),
      created_at: now,
      modified_at: null,
      metadata: {},
      type,
      slug: field.slug,
      name: field.slug,
      organization_id: organizationId,
      properties,
    });
    emu.state.store.insert("custom_field", customField as never);
    return { custom_field_id: customField.id, custom_field: customField, order, required: field.required ?? false };
  });
  const doc = build("Product", now, {
    id,
    created_at: now,
    modified_at: null,
    trial_interval: spec.trial?.interval ?? null,
    trial_interval_count: spec.trial?.count ?? null,
    name: spec.name ?? "Pro plan",
    description: spec.description ?? null,
    visibility: "public",
    recurring_interval: spec.recurring ?? null,
    recurring_interval_count: spec.recurring ? (spec.intervalCount ?? 1) : null,
    meter_interval: null,
    meter_interval_count: null,
    is_recurring: Boolean(spec.recurring),
    is_archived: false,
    organization_id: organizationId,
    metadata: {},
    prices: (spec.prices ?? [{ type: "fixed", amount: 1500 }]).map((p) => price(id, p, now)),
    benefits: spec.benefits ?? [],
    medias: [],
    attached_custom_fields: attached,
  }) as unknown as Product;
  return emu.state.store.insert("product", doc);
}

/** A stored benefit: `custom`, or `license_keys` with a prefix, an expiry and limits. */
export function insertBenefit(
  emu: RunningEmulator,
  type: "custom" | "license_keys" = "custom",
  description = type === "custom" ? "Private Discord" : "License key",
): Benefit {
  const now = emu.state.clock.iso();
  const properties =
    type === "custom"
      ? { note: "Welcome aboard" }
      : {
          prefix: "pk",
          expires: { ttl: 1, timeframe: "year" },
          activations: { limit: 3, enable_customer_admin: true },
          limit_usage: 100,
        };
  const benefit = build(type === "custom" ? "BenefitCustom" : "BenefitLicenseKeys", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    type,
    description,
    selectable: true,
    deletable: true,
    is_deleted: false,
    organization_id: emu.organizationId,
    metadata: { tier: "gold" },
    visibility: "public",
    properties,
    visibility_configurable: false,
  }) as unknown as Benefit;
  return emu.state.store.insert("benefit", benefit);
}

/** A stored discount: a percentage (`basisPoints`) or a fixed amount off, optionally with a code. */
export function insertDiscount(
  emu: RunningEmulator,
  spec: { basisPoints?: number; amount?: number; code?: string | null; duration?: "once" | "forever"; max?: number },
): Discount {
  const now = emu.state.clock.iso();
  const common = {
    id: uuid(),
    created_at: now,
    modified_at: null,
    metadata: {},
    name: spec.code ? `Code ${spec.code}` : "Launch discount",
    code: spec.code ?? null,
    duration: spec.duration ?? "once",
    starts_at: null,
    ends_at: null,
    max_redemptions: spec.max ?? null,
    max_redemptions_per_customer: null,
    redemptions_count: 0,
    organization_id: emu.organizationId,
    products: [],
  };
  const discount =
    spec.amount !== undefined
      ? build("DiscountFixedOnceForeverDuration", now, {
          ...common,
          type: "fixed",
          amount: spec.amount,
          currency: "usd",
          amounts: { usd: spec.amount },
        })
      : build("DiscountPercentageOnceForeverDuration", now, {
          ...common,
          type: "percentage",
          basis_points: spec.basisPoints ?? 1000,
        });
  return emu.state.store.insert("discount", discount as unknown as Discount);
}

export { otherOrganization } from "../../../test/harness";

export interface ReceivedEvent {
  type: string;
  data: Record<string, unknown>;
  id: string;
}

/**
 * A real HTTP receiver on 127.0.0.1 registered for every event of the emulator's organization. Each
 * delivery is verified with `verifyWebhook`, as a merchant's server would, and its payload is
 * checked against the spec's schema for the event type.
 */
export async function webhookReceiver(emu: RunningEmulator) {
  const signingSecret = secret("whsec_", 32);
  const events: ReceivedEvent[] = [];
  const rejected: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const event = await verifyWebhook({ body, headers: req.headers, secret: signingSecret });
        // The payload must match the spec's schema for its event type, exactly as it was signed.
        const type = String(event.type);
        const validate = validatorAt("webhooks", type, "post", "requestBody", "content", "application/json", "schema");
        if (!validate(JSON.parse(body))) rejected.push({ type, errors: validate.errors?.slice(0, 3) });
        events.push({
          ...(event as { type: string; data: Record<string, unknown> }),
          id: String(req.headers["webhook-id"]),
        });
        res.writeHead(204).end();
      } catch (error) {
        rejected.push(error);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  registerWebhookEndpoint(emu.state, emu.organizationId, url, signingSecret);
  return {
    events,
    rejected,
    /**
     * Waits for every queued delivery, then returns (and forgets) the events received so far.
     * Fails when any delivery did not verify or did not match the spec.
     */
    async take(): Promise<ReceivedEvent[]> {
      await emu.flushWebhooks();
      if (rejected.length) throw new Error(`webhooks rejected: ${JSON.stringify(rejected.splice(0))}`);
      return events.splice(0);
    },
  };
}

/** POSTs the hosted checkout form (urlencoded, as a browser does), without following redirects. */
export function submitCheckoutForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

/** The form fields of a complete, paying submission with the success card. */
export const PAYING_FORM = {
  customer_email: "ada@example.com",
  customer_name: "Ada Lovelace",
  country: "FR",
  card_number: "4242 4242 4242 4242",
  card_expiry: "12/39",
  card_cvc: "123",
  action: "pay",
};
