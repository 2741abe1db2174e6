// Webhook verify-and-parse throughput on a realistic ~2.4 KB `order.paid` delivery, in one process,
// interleaved rounds. Run after `pnpm --filter @polar-kit/core build`: `node bench/webhooks.mjs`.
// ROUNDS (default 5) and ROUND_MS (default 1000) tune it.
import { createHmac, timingSafeEqual } from "node:crypto";
import { verifyWebhook as verifyWebCrypto } from "@polar-kit/core";
import { verifyWebhook } from "@polar-kit/core/webhooks";
import { webhooks as sdk101 } from "@polar-sh/sdk/2026-04";
import { validateEvent as validateEvent047 } from "polar-sdk-047/webhooks";
import { Webhook } from "standardwebhooks";

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const ROUND_MS = Number(process.env.ROUND_MS ?? 1000);

// A Polar-style secret: the HMAC key is its UTF-8 bytes, `whsec_` included.
const secret = "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK";
const orgId = "0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8";
const customerId = "992fae2a-2a17-4b7a-8d9a-e3b5ef4b8b45";
const productId = "e9b6ad71-0b2c-4a34-9a2f-3f6b5d2c8e10";
const priceId = "7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f";
const at = "2026-03-12T10:44:51.804760Z";
const address = { line1: "1 Main St", line2: null, postal_code: "94107", city: "SF", state: "US-CA", country: "US" };

/** A one-time purchase's `order.paid` payload with every field the Order schema requires, as Polar sends it. */
const event = {
  type: "order.paid",
  timestamp: at,
  data: {
    id: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
    created_at: at,
    modified_at: at,
    status: "paid",
    paid: true,
    subtotal_amount: 10000,
    discount_amount: 1000,
    net_amount: 9000,
    tax_amount: 720,
    total_amount: 9720,
    applied_balance_amount: 0,
    due_amount: 0,
    refunded_amount: 0,
    refunded_tax_amount: 0,
    currency: "usd",
    billing_reason: "purchase",
    billing_name: "Ada Lovelace",
    billing_address: address,
    invoice_number: "POLAR-0042",
    is_invoice_generated: true,
    receipt_number: null,
    customer_id: customerId,
    product_id: productId,
    discount_id: null,
    subscription_id: null,
    checkout_id: null,
    metadata: { plan: "pro" },
    custom_field_data: {},
    platform_fee_amount: 500,
    platform_fee_currency: "usd",
    customer: {
      id: customerId,
      created_at: at,
      modified_at: at,
      metadata: {},
      external_id: "user_123",
      email: "ada@example.com",
      email_verified: true,
      type: "individual",
      name: "Ada Lovelace",
      billing_name: "Ada Lovelace",
      billing_address: address,
      tax_id: null,
      locale: "en",
      organization_id: orgId,
      default_payment_method_id: null,
      deleted_at: null,
      first_user_event_at: null,
      avatar_url: "https://www.gravatar.com/avatar/0c83f57c?d=404",
    },
    product: {
      metadata: {},
      id: productId,
      created_at: at,
      modified_at: at,
      trial_interval: null,
      trial_interval_count: null,
      name: "Pro (lifetime)",
      description: null,
      visibility: "public",
      recurring_interval: null,
      recurring_interval_count: null,
      meter_interval: null,
      meter_interval_count: null,
      is_recurring: false,
      is_archived: false,
      organization_id: orgId,
    },
    discount: null,
    subscription: null,
    items: [
      {
        created_at: at,
        modified_at: at,
        id: "c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f",
        label: "Pro (lifetime)",
        amount: 10000,
        tax_amount: 720,
        proration: false,
        product_price_id: priceId,
      },
    ],
    description: "Pro (lifetime)",
    refundable_amount: 9720,
    refundable_tax_amount: 720,
  },
};

const body = JSON.stringify(event);
const id = "11111111-2222-3333-4444-555555555555";
const timestamp = String(Math.floor(Date.now() / 1000));
const signature = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64");
// Node hands headers over as a lower-case record; that is what every contender gets.
const headers = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };

// What a hand-written verifier on node:crypto does at the least: the practical limit.
function raw() {
  const ts = Number(headers["webhook-timestamp"]);
  if (!(Math.abs(Date.now() / 1000 - ts) <= 300)) throw new Error("timestamp");
  const mac = createHmac("sha256", secret).update(`${headers["webhook-id"]}.${ts}.${body}`).digest();
  for (const entry of headers["webhook-signature"].split(" ")) {
    const candidate = Buffer.from(entry.slice(3), "base64");
    if (entry.startsWith("v1,") && candidate.length === mac.length && timingSafeEqual(candidate, mac)) {
      return JSON.parse(body);
    }
  }
  throw new Error("signature");
}

// Polar's SDK hands standardwebhooks base64(utf8(secret)), so that the key is the secret's bytes.
const standard = new Webhook(Buffer.from(secret, "utf8").toString("base64"));

const contenders = {
  "raw node:crypto + JSON.parse": raw,
  standardwebhooks: () => standard.verify(body, headers),
  "@polar-sh/sdk 1.0.1 validateEvent": () => sdk101.validateEvent(body, headers, secret),
  "@polar-sh/sdk 0.47.1 validateEvent": () => validateEvent047(body, headers, secret),
  "@polar-kit/core/webhooks (node build)": () => verifyWebhook({ body, headers, secret }),
  "@polar-kit/core (WebCrypto build)": () => verifyWebCrypto({ body, headers, secret }),
};

/** Calls `run` back to back for about `ms`; returns operations per second. */
async function measure(run, ms) {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 64; i++) await run();
    ops += 64;
    elapsed = performance.now() - start;
  }
  return (ops * 1000) / elapsed;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

console.log(`Webhook verify + parse, ${Buffer.byteLength(body)}-byte order.paid body, Node ${process.version}`);
console.log(`${ROUNDS} interleaved rounds of ~${ROUND_MS} ms per contender\n`);

const results = {};
for (const [name, run] of Object.entries(contenders)) {
  try {
    const parsed = await run();
    // 0.47.1 returns the event in camelCase.
    const total = parsed?.data?.total_amount ?? parsed?.data?.totalAmount;
    if (parsed?.type !== "order.paid" || total !== 9720) throw new Error(`unexpected result ${JSON.stringify(parsed)}`);
    results[name] = [];
  } catch (error) {
    console.log(`${name}: skipped, it failed to verify: ${error?.message ?? error}`);
  }
}
for (const name of Object.keys(results)) await measure(contenders[name], ROUND_MS / 4); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(results)) results[name].push(await measure(contenders[name], ROUND_MS));
}

const limit = median(results["raw node:crypto + JSON.parse"]);
const fmt = (n) => Math.round(n).toLocaleString("en-US");
console.log("| contender | ops/s (median) | min–max | × raw |\n|---|---:|---:|---:|");
for (const [name, rounds] of Object.entries(results)) {
  const value = median(rounds);
  const range = `${fmt(Math.min(...rounds))}–${fmt(Math.max(...rounds))}`;
  console.log(`| ${name} | ${fmt(value)} | ${range} | ${(value / limit).toFixed(2)} |`);
}
