// What the contract recipes share: calling operations by id, and builders for the objects most
// operations need (products, customers, paid orders, subscriptions, portal buyers, ...). Recipe
// files (`recipes-*.ts` beside this one) receive it and are merged by contract.test.ts.
import { createHash } from "node:crypto";
import { expect } from "vitest";
import { uuid } from "../../src/ids";
import type { RunningEmulator } from "../../src/server";
import { loadSpec, type SpecOperation } from "../../src/spec";
import { call } from "../harness";

/** One request: path parameters, a query string and a JSON body; the token defaults to the emulator's. */
export interface Request {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  token?: string | null;
}

/** How to call each implemented operation with valid input, creating what it needs first. */
export type Recipes = Record<string, () => Promise<Request>>;

export type ContractKit = ReturnType<typeof contractKit>;

/** The helpers, bound to one emulator. */
export function contractKit(emu: RunningEmulator) {
  const operation = (id: string): SpecOperation => {
    const op = loadSpec().operations.get(id);
    if (!op) throw new Error(`${id} is not in the spec`);
    return op;
  };

  /** Calls an operation by id. */
  function send(id: string, request: Request = {}) {
    const op = operation(id);
    const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = request.params?.[name];
      if (value === undefined) throw new Error(`${id}: no value for path parameter ${name}`);
      return encodeURIComponent(value);
    });
    return call(emu, op.method, `${path}${request.query ? `?${request.query}` : ""}`, {
      body: request.body,
      token: request.token,
    });
  }

  /** Calls an operation to set up another one's prerequisites; it must succeed. */
  async function make(id: string, request: Request = {}) {
    const res = await send(id, request);
    if (res.status >= 300) throw new Error(`prerequisite ${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  // Deliveries to this address fail at once; that is enough to create webhook events and deliveries.
  const NOWHERE = "http://127.0.0.1:9/webhooks";

  const newEndpoint = (events = ["organization.updated"]) =>
    make("webhooks:create_webhook_endpoint", { body: { url: NOWHERE, format: "raw", events } });

  /** A webhook event with a recorded delivery, made by a real state change. */
  async function webhookEvent(): Promise<{ endpointId: string; eventId: string }> {
    const endpoint = await newEndpoint();
    await make("organizations:update", { params: { id: emu.organizationId }, body: { name: `Acme ${uuid()}` } });
    await emu.flushWebhooks();
    const page = await make("webhooks:list_webhook_deliveries", { query: `endpoint_id=${endpoint.id}` });
    return { endpointId: endpoint.id, eventId: page.items[0].webhook_event.id };
  }

  const unique = () => uuid().slice(0, 8);
  const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("base64");

  const fixed = (price_amount: number) => ({ amount_type: "fixed", price_amount, price_currency: "usd" });
  const newProduct = (extra: Record<string, unknown> = {}) =>
    make("products:create", { body: { name: `Contract ${unique()}`, prices: [fixed(1500)], ...extra } });
  const newFreeMonthly = () => newProduct({ recurring_interval: "month", prices: [fixed(0)] });
  const newCustomer = () =>
    make("customers:create", {
      body: { email: `contract-${unique()}@example.com`, name: "Contract Customer", external_id: `ext-${unique()}` },
    });
  const newBenefit = () =>
    make("benefits:create", { body: { type: "custom", description: `Perk ${unique()}`, properties: { note: null } } });
  const newDiscount = () =>
    make("discounts:create", { body: { type: "fixed", duration: "once", name: `Off ${unique()}`, amount: 500 } });
  const newCustomField = () =>
    make("custom-fields:create", { body: { type: "text", slug: `f-${unique()}`, name: "Field", properties: {} } });
  const newCheckout = async () => make("checkouts:create", { body: { products: [(await newProduct()).id] } });
  const newCheckoutLink = async () =>
    make("checkout-links:create", { body: { payment_processor: "stripe", products: [(await newProduct()).id] } });

  const BILLING = { customer_name: "Contract Buyer", customer_billing_address: { country: "FR" } };

  /** A paid one-time order, bought through a checkout as a customer would. */
  async function paidOrder() {
    const checkout = await newCheckout();
    await make("checkouts:client_confirm", {
      params: { client_secret: checkout.client_secret },
      body: { customer_email: `buyer-${unique()}@example.com`, ...BILLING },
      token: null,
    });
    const orders = await make("orders:list", { query: `checkout_id=${checkout.id}` });
    return orders.items[0];
  }

  /** A free monthly subscription of a new customer. */
  async function subscription() {
    const [customer, product] = await Promise.all([newCustomer(), newFreeMonthly()]);
    return make("subscriptions:create", { body: { customer_id: customer.id, product_id: product.id } });
  }

  /** An uploaded one-part downloadable file. */
  async function uploadedFile() {
    const bytes = Buffer.from(`contract file ${unique()}`);
    const upload = await make("files:create", {
      body: {
        service: "downloadable",
        name: "contract.txt",
        mime_type: "text/plain",
        size: bytes.length,
        checksum_sha256_base64: sha256(bytes),
        upload: {
          parts: [{ number: 1, chunk_start: 0, chunk_end: bytes.length, checksum_sha256_base64: sha256(bytes) }],
        },
      },
    });
    const [part] = upload.upload.parts;
    const put = await fetch(part.url, { method: "PUT", headers: part.headers, body: bytes });
    expect(put.status).toBe(200);
    return {
      upload,
      completion: {
        id: upload.upload.id,
        path: upload.upload.path,
        parts: [{ number: 1, checksum_etag: put.headers.get("etag"), checksum_sha256_base64: sha256(bytes) }],
      },
    };
  }

  async function completedFile() {
    const { upload, completion } = await uploadedFile();
    return make("files:uploaded", { params: { id: upload.id }, body: completion });
  }

  /** A license key, bought through a checkout of a product with a `license_keys` benefit. */
  async function licenseKey() {
    const benefit = await make("benefits:create", {
      body: {
        type: "license_keys",
        description: `License ${unique()}`,
        properties: { activations: { limit: 5, enable_customer_admin: true }, limit_usage: 100 },
      },
    });
    const product = await newProduct();
    await make("products:update_benefits", { params: { id: product.id }, body: { benefits: [benefit.id] } });
    const checkout = await make("checkouts:create", { body: { products: [product.id] } });
    await make("checkouts:client_confirm", {
      params: { client_secret: checkout.client_secret },
      body: { customer_email: `licensee-${unique()}@example.com`, ...BILLING },
      token: null,
    });
    const page = await make("license_keys:list", { query: `benefit_id=${benefit.id}` });
    return page.items[0];
  }

  async function activation() {
    const key = await licenseKey();
    const activated = await make("license_keys:activate", {
      body: { key: key.key, organization_id: emu.organizationId, label: "contract" },
    });
    return { key, activation: activated };
  }

  /** An event of a new customer, and the customer. */
  async function ingested() {
    const customer = await newCustomer();
    await make("events:ingest", {
      body: { events: [{ name: "contract.event", customer_id: customer.id, metadata: { units: 3 } }] },
    });
    const page = await make("events:list", { query: `customer_id=${customer.id}` });
    return { customer, event: page.items[0] };
  }

  const newMeter = () =>
    make("meters:create", {
      body: {
        name: `Contract ${unique()}`,
        filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "contract.event" }] },
        aggregation: { func: "sum", property: "units" },
      },
    });

  /** A customer who bought a monthly product with a license key and a file, and a session of theirs. */
  async function portalBuyer() {
    const file = await completedFile();
    const license = await make("benefits:create", {
      body: { type: "license_keys", description: `Key ${unique()}`, properties: {} },
    });
    const downloads = await make("benefits:create", {
      body: { type: "downloadables", description: `Files ${unique()}`, properties: { files: [file.id] } },
    });
    const product = await newProduct({ recurring_interval: "month" });
    await make("products:update_benefits", {
      params: { id: product.id },
      body: { benefits: [license.id, downloads.id] },
    });
    const checkout = await make("checkouts:create", { body: { products: [product.id] } });
    await make("checkouts:client_confirm", {
      params: { client_secret: checkout.client_secret },
      body: { customer_email: `portal-${unique()}@example.com`, ...BILLING },
      token: null,
    });
    const { customer_id } = await make("checkouts:get", { params: { id: checkout.id } });
    const { token } = await make("customer-sessions:create", { body: { customer_id } });
    const [order] = (await make("customer_portal:orders:list", { token })).items;
    const [subscription] = (await make("customer_portal:subscriptions:list", { token })).items;
    const grants = (await make("customer_portal:benefit-grants:list", { token })).items;
    const [licenseKey] = (await make("customer_portal:license_keys:list", { token })).items;
    return { token, order, subscription, grant: grants[0], licenseKey };
  }
  let sharedBuyer: ReturnType<typeof portalBuyer> | undefined;
  /** One buyer for the recipes that only read. */
  const portalReader = () => {
    sharedBuyer ??= portalBuyer();
    return sharedBuyer;
  };

  return {
    emu,
    NOWHERE,
    BILLING,
    operation,
    send,
    make,
    newEndpoint,
    webhookEvent,
    unique,
    sha256,
    fixed,
    newProduct,
    newFreeMonthly,
    newCustomer,
    newBenefit,
    newDiscount,
    newCustomField,
    newCheckout,
    newCheckoutLink,
    paidOrder,
    subscription,
    uploadedFile,
    completedFile,
    licenseKey,
    activation,
    ingested,
    newMeter,
    portalBuyer,
    portalReader,
  };
}
