// Contract coverage: every operation with a handler is called with valid input and must answer the
// spec's success status with a schema-valid body; every other operation must answer 501. An
// operation that gains a handler without a recipe here (or in a `contract/recipes-*.ts` file)
// fails this file, naming the operation.
import { afterAll, describe, expect, it } from "vitest";
import { saveToken } from "../src/auth";
import { uuid } from "../src/ids";
import { modules } from "../src/resources";
import { loadSpec, type SpecOperation } from "../src/spec";
import { issuesOf, validatorAt } from "../src/validate";
import { type ContractKit, contractKit, type Recipes, type Request } from "./contract/kit";
import { recipes as insightsRecipes } from "./contract/recipes-insights";
import { recipes as membersRecipes } from "./contract/recipes-members";
import { recipes as membersPortalRecipes } from "./contract/recipes-members-portal";
import { recipes as oauthRecipes } from "./contract/recipes-oauth";
import { recipes as portalRecipes } from "./contract/recipes-portal";
import { useEmulator } from "./harness";

const { emu } = await useEmulator({ webhooks: { retryDelaysMs: [] } });
const operations = [...loadSpec().operations.values()];
const implemented = new Set(modules.flatMap((module) => Object.keys(module.handlers)));
const kit = contractKit(emu);
const {
  send,
  make,
  newEndpoint,
  webhookEvent,
  unique,
  BILLING,
  NOWHERE,
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
} = kit;

/** How to call each implemented operation with valid input, creating what it needs first. */
const coreRecipes: Recipes = {
  "organizations:list": async () => ({ query: "limit=5" }),
  "organizations:get": async () => ({ params: { id: emu.organizationId } }),
  "organizations:update": async () => ({ params: { id: emu.organizationId }, body: { name: "Acme Contract" } }),

  "products:list": async () => {
    await newProduct();
    return { query: "is_archived=false&limit=5" };
  },
  "products:create": async () => ({
    body: { name: "Contract product", prices: [fixed(2500)], description: "A thing" },
  }),
  "products:get": async () => ({ params: { id: (await newProduct()).id } }),
  "products:update": async () => ({ params: { id: (await newProduct()).id }, body: { name: "Renamed product" } }),
  "products:update_benefits": async () => ({
    params: { id: (await newProduct()).id },
    body: { benefits: [(await newBenefit()).id] },
  }),

  "benefits:list": async () => {
    await newBenefit();
    return { query: "type=custom" };
  },
  "benefits:create": async () => ({
    body: { type: "custom", description: "Contract perk", properties: { note: "Thanks" } },
  }),
  "benefits:get": async () => ({ params: { id: (await newBenefit()).id } }),
  "benefits:update": async () => ({
    params: { id: (await newBenefit()).id },
    body: { type: "custom", description: "Renamed perk" },
  }),
  "benefits:delete": async () => ({ params: { id: (await newBenefit()).id } }),
  "benefits:files": async () => {
    const file = await completedFile();
    const benefit = await make("benefits:create", {
      body: { type: "downloadables", description: "Downloads", properties: { files: [file.id] } },
    });
    return { params: { id: benefit.id } };
  },
  "benefits:grants": async () => ({ params: { id: (await newBenefit()).id } }),
  "benefit-grants:list": async () => ({ query: "limit=5" }),

  "discounts:list": async () => {
    await newDiscount();
    return { query: "limit=5" };
  },
  "discounts:create": async () => ({
    body: { type: "percentage", duration: "once", name: "Ten percent", basis_points: 1000 },
  }),
  "discounts:get": async () => ({ params: { id: (await newDiscount()).id } }),
  "discounts:update": async () => ({ params: { id: (await newDiscount()).id }, body: { name: "Renamed discount" } }),
  "discounts:delete": async () => ({ params: { id: (await newDiscount()).id } }),

  "custom-fields:list": async () => {
    await newCustomField();
    return { query: "type=text" };
  },
  "custom-fields:create": async () => ({
    body: { type: "text", slug: `company-${unique()}`, name: "Company", properties: {} },
  }),
  "custom-fields:get": async () => ({ params: { id: (await newCustomField()).id } }),
  "custom-fields:update": async () => ({
    params: { id: (await newCustomField()).id },
    body: { type: "text", name: "Renamed field" },
  }),
  "custom-fields:delete": async () => ({ params: { id: (await newCustomField()).id } }),

  "files:list": async () => {
    await completedFile();
    return { query: "limit=5" };
  },
  "files:create": async () => {
    const bytes = Buffer.from("contract");
    return {
      body: {
        service: "downloadable",
        name: "create.txt",
        mime_type: "text/plain",
        size: bytes.length,
        upload: { parts: [{ number: 1, chunk_start: 0, chunk_end: bytes.length }] },
      },
    };
  },
  "files:uploaded": async () => {
    const { upload, completion } = await uploadedFile();
    return { params: { id: upload.id }, body: completion };
  },
  "files:update": async () => ({ params: { id: (await completedFile()).id }, body: { name: "renamed.txt" } }),
  "files:delete": async () => ({ params: { id: (await completedFile()).id } }),

  "checkout-links:list": async () => {
    await newCheckoutLink();
    return { query: "limit=5" };
  },
  "checkout-links:create": async () => ({
    body: { payment_processor: "stripe", products: [(await newProduct()).id], label: "Contract link" },
  }),
  "checkout-links:get": async () => ({ params: { id: (await newCheckoutLink()).id } }),
  "checkout-links:update": async () => ({ params: { id: (await newCheckoutLink()).id }, body: { label: "Renamed" } }),
  "checkout-links:delete": async () => ({ params: { id: (await newCheckoutLink()).id } }),

  "checkouts:list": async () => {
    await newCheckout();
    return { query: "limit=5" };
  },
  "checkouts:create": async () => ({ body: { products: [(await newProduct()).id] } }),
  "checkouts:get": async () => ({ params: { id: (await newCheckout()).id } }),
  "checkouts:update": async () => ({
    params: { id: (await newCheckout()).id },
    body: { customer_email: "updated@example.com" },
  }),
  "checkouts:client_get": async () => ({ params: { client_secret: (await newCheckout()).client_secret }, token: null }),
  "checkouts:client_update": async () => ({
    params: { client_secret: (await newCheckout()).client_secret },
    body: { customer_email: "client@example.com" },
    token: null,
  }),
  "checkouts:client_confirm": async () => ({
    params: { client_secret: (await newCheckout()).client_secret },
    body: { customer_email: "confirm@example.com", ...BILLING },
    token: null,
  }),

  "customers:list": async () => {
    await newCustomer();
    return { query: "limit=5" };
  },
  "customers:create": async () => ({
    body: { email: `create-${unique()}@example.com`, name: "Created", metadata: { plan: "pro" } },
  }),
  "customers:export": async () => {
    await newCustomer();
    return {};
  },
  "customers:get": async () => ({ params: { id: (await newCustomer()).id } }),
  "customers:update": async () => ({ params: { id: (await newCustomer()).id }, body: { name: "Renamed" } }),
  "customers:delete": async () => ({ params: { id: (await newCustomer()).id } }),
  "customers:get_external": async () => ({ params: { external_id: (await newCustomer()).external_id } }),
  "customers:update_external": async () => ({
    params: { external_id: (await newCustomer()).external_id },
    body: { name: "Renamed externally" },
  }),
  "customers:delete_external": async () => ({ params: { external_id: (await newCustomer()).external_id } }),
  "customers:get_state": async () => ({ params: { id: (await newCustomer()).id } }),
  "customers:get_state_external": async () => ({ params: { external_id: (await newCustomer()).external_id } }),
  "customers:list_payment_methods": async () => ({ params: { id: (await newCustomer()).id } }),
  "customers:list_payment_methods_external": async () => ({
    params: { external_id: (await newCustomer()).external_id },
  }),
  "customer-sessions:create": async () => ({ body: { customer_id: (await newCustomer()).id } }),
  "customer_portal:customers:get": async () => ({ token: (await portalReader()).token }),
  "customer_portal:customers:update": async () => ({
    token: (await portalBuyer()).token,
    body: { billing_name: "Contract Portal", billing_address: { country: "FR", city: "Lyon" } },
  }),
  "customer_portal:organizations:get": async () => ({
    params: { slug: (await make("organizations:get", { params: { id: emu.organizationId } })).slug },
    token: null,
  }),
  "customer_portal:customer-session:introspect": async () => ({ token: (await portalReader()).token }),
  "customer_portal:customer-session:get_authenticated_user": async () => ({ token: (await portalReader()).token }),
  "customer_portal:orders:list": async () => ({ token: (await portalReader()).token, query: "limit=5" }),
  "customer_portal:orders:get": async () => {
    const { token, order } = await portalReader();
    return { token, params: { id: order.id } };
  },
  "customer_portal:orders:update": async () => {
    const { token, order } = await portalBuyer();
    return { token, params: { id: order.id }, body: { billing_name: "Contract Portal Ltd" } };
  },
  "customer_portal:orders:generate_invoice": async () => {
    const { token, order } = await portalBuyer();
    return { token, params: { id: order.id } };
  },
  "customer_portal:orders:invoice": async () => {
    const { token, order } = await portalBuyer();
    await make("customer_portal:orders:generate_invoice", { token, params: { id: order.id } });
    return { token, params: { id: order.id } };
  },
  "customer_portal:orders:receipt": async () => {
    const { token, order } = await portalReader();
    return { token, params: { id: order.id } };
  },
  "customer_portal:subscriptions:list": async () => ({ token: (await portalReader()).token, query: "active=true" }),
  "customer_portal:subscriptions:get": async () => {
    const { token, subscription } = await portalReader();
    return { token, params: { id: subscription.id } };
  },
  "customer_portal:subscriptions:update": async () => {
    const { token, subscription } = await portalBuyer();
    return { token, params: { id: subscription.id }, body: { cancel_at_period_end: true } };
  },
  "customer_portal:subscriptions:cancel": async () => {
    const { token, subscription } = await portalBuyer();
    return { token, params: { id: subscription.id } };
  },
  "customer_portal:benefit-grants:list": async () => ({ token: (await portalReader()).token }),
  "customer_portal:benefit-grants:get": async () => {
    const { token, grant } = await portalReader();
    return { token, params: { id: grant.id } };
  },
  "customer_portal:license_keys:list": async () => ({ token: (await portalReader()).token }),
  "customer_portal:license_keys:get": async () => {
    const { token, licenseKey } = await portalReader();
    return { token, params: { id: licenseKey.id } };
  },
  "customer_portal:downloadables:list": async () => ({ token: (await portalReader()).token }),

  "orders:list": async () => {
    await paidOrder();
    return { query: "limit=5" };
  },
  "orders:create": async () => {
    const [customer, product] = await Promise.all([newCustomer(), newProduct()]);
    return { body: { customer_id: customer.id, product_id: product.id } };
  },
  "orders:finalize": async () => {
    const [customer, product] = await Promise.all([newCustomer(), newProduct()]);
    const draft = await make("orders:create", { body: { customer_id: customer.id, product_id: product.id } });
    return { params: { id: draft.id } };
  },
  "orders:get": async () => ({ params: { id: (await paidOrder()).id } }),
  "orders:update": async () => ({
    params: { id: (await paidOrder()).id },
    body: { billing_name: "Contract Buyer Ltd", billing_address: { country: "FR", city: "Paris" } },
  }),
  "orders:generate_invoice": async () => {
    const order = await paidOrder();
    await make("orders:update", {
      params: { id: order.id },
      body: { billing_name: "Contract Buyer Ltd", billing_address: { country: "FR" } },
    });
    return { params: { id: order.id } };
  },
  "orders:invoice": async () => {
    const order = await paidOrder();
    await make("orders:update", {
      params: { id: order.id },
      body: { billing_name: "Contract Buyer Ltd", billing_address: { country: "FR" } },
    });
    await make("orders:generate_invoice", { params: { id: order.id } });
    return { params: { id: order.id } };
  },
  "orders:receipt": async () => ({ params: { id: (await paidOrder()).id } }),
  "orders:export": async () => {
    await paidOrder();
    return { query: "columns=email&columns=total_amount" };
  },

  "refunds:list": async () => ({ query: "limit=5" }),
  "refunds:create": async () => {
    const order = await paidOrder();
    return { body: { order_id: order.id, reason: "customer_request", amount: order.refundable_amount } };
  },

  "subscriptions:list": async () => {
    await subscription();
    return { query: "active=true" };
  },
  "subscriptions:create": async () => {
    const [customer, product] = await Promise.all([newCustomer(), newFreeMonthly()]);
    return { body: { customer_id: customer.id, product_id: product.id } };
  },
  "subscriptions:get": async () => ({ params: { id: (await subscription()).id } }),
  "subscriptions:update": async () => ({
    params: { id: (await subscription()).id },
    body: { cancel_at_period_end: true },
  }),
  "subscriptions:revoke": async () => ({ params: { id: (await subscription()).id } }),
  "subscriptions:export": async () => {
    await subscription();
    return {};
  },

  "webhooks:list_webhook_endpoints": async () => {
    await newEndpoint();
    return { query: `organization_id=${emu.organizationId}` };
  },
  "webhooks:create_webhook_endpoint": async () => ({
    body: { url: NOWHERE, format: "raw", events: ["order.paid"], name: "contract" },
  }),
  "webhooks:get_webhook_endpoint": async () => ({ params: { id: (await newEndpoint()).id } }),
  "webhooks:update_webhook_endpoint": async () => ({
    params: { id: (await newEndpoint()).id },
    body: { name: "renamed", enabled: false },
  }),
  "webhooks:delete_webhook_endpoint": async () => ({ params: { id: (await newEndpoint()).id } }),
  "webhooks:reset_webhook_endpoint_secret": async () => ({ params: { id: (await newEndpoint()).id } }),
  "webhooks:list_webhook_deliveries": async () => {
    const { endpointId } = await webhookEvent();
    return { query: `endpoint_id=${endpointId}&succeeded=false&event_type=organization.updated` };
  },
  "webhooks:redeliver_webhook_event": async () => ({ params: { id: (await webhookEvent()).eventId } }),
  "license_keys:list": async () => {
    await licenseKey();
    return { query: "status=granted" };
  },
  "license_keys:get": async () => ({ params: { id: (await activation()).key.id } }),
  "license_keys:update": async () => ({ params: { id: (await licenseKey()).id }, body: { limit_usage: 50 } }),
  "license_keys:get_activation": async () => {
    const { key, activation: activated } = await activation();
    return { params: { id: key.id, activation_id: activated.id } };
  },
  "license_keys:validate": async () => ({
    body: { key: (await licenseKey()).key, organization_id: emu.organizationId, increment_usage: 1 },
  }),
  "license_keys:activate": async () => ({
    body: { key: (await licenseKey()).key, organization_id: emu.organizationId, label: "laptop" },
  }),
  "license_keys:deactivate": async () => {
    const { key, activation: activated } = await activation();
    return { body: { key: key.key, organization_id: emu.organizationId, activation_id: activated.id } };
  },
  "customer_portal:license_keys:validate": async () => ({
    body: { key: (await activation()).key.key, organization_id: emu.organizationId },
    token: null,
  }),
  "customer_portal:license_keys:activate": async () => ({
    body: { key: (await licenseKey()).key, organization_id: emu.organizationId, label: "desktop" },
    token: null,
  }),
  "customer_portal:license_keys:deactivate": async () => {
    const { key, activation: activated } = await activation();
    return {
      body: { key: key.key, organization_id: emu.organizationId, activation_id: activated.id },
      token: null,
    };
  },

  "events:ingest": async () => ({
    body: {
      events: [
        { name: "contract.event", customer_id: (await newCustomer()).id, external_id: `ev-${unique()}` },
        { name: "contract.event", external_customer_id: `ext-${unique()}`, metadata: { units: 2 } },
      ],
    },
  }),
  "events:list": async () => {
    await ingested();
    return { query: "name=contract.event&limit=5" };
  },
  "events:get": async () => ({ params: { id: (await ingested()).event.id } }),
  "events:list_names": async () => {
    await ingested();
    return {};
  },
  "event-types:list": async () => {
    await ingested();
    return {};
  },

  "meters:list": async () => {
    await newMeter();
    return { query: "is_archived=false" };
  },
  "meters:create": async () => ({
    body: {
      name: "Contract meter",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "contract.event" }] },
      aggregation: { func: "count" },
    },
  }),
  "meters:get": async () => ({ params: { id: (await newMeter()).id } }),
  "meters:update": async () => ({ params: { id: (await newMeter()).id }, body: { is_archived: true } }),
  "meters:quantities": async () => {
    const [meter] = await Promise.all([newMeter(), ingested()]);
    const now = Date.now();
    const start = new Date(now - 3 * 86_400_000).toISOString();
    const end = new Date(now).toISOString();
    return {
      params: { id: meter.id },
      query: `start_timestamp=${encodeURIComponent(start)}&end_timestamp=${encodeURIComponent(end)}&interval=day`,
    };
  },
  "customer_meters:list": async () => {
    await Promise.all([newMeter(), ingested()]);
    return {};
  },
  "customer_meters:get": async () => {
    const [meter, { customer }] = await Promise.all([newMeter(), ingested()]);
    const page = await make("customer_meters:list", { query: `customer_id=${customer.id}&meter_id=${meter.id}` });
    return { params: { id: page.items[0].id } };
  },
};

// More recipes, one file per area (`contract/recipes-*.ts`, each exporting `recipes(kit)`), listed
// here; an id defined twice is a mistake.
const recipeFiles: Record<string, (k: ContractKit) => Recipes> = {
  "recipes-insights.ts": insightsRecipes,
  "recipes-members.ts": membersRecipes,
  "recipes-members-portal.ts": membersPortalRecipes,
  "recipes-oauth.ts": oauthRecipes,
  "recipes-portal.ts": portalRecipes,
};
const recipes: Recipes = { ...coreRecipes };
for (const [file, more] of Object.entries(recipeFiles)) {
  for (const [id, recipe] of Object.entries(more(kit))) {
    if (recipes[id]) throw new Error(`${file}: the recipe for ${id} is defined twice`);
    recipes[id] = recipe;
  }
}

const successStatus = (op: SpecOperation) => Number(Object.keys(op.responses)[0]);

/**
 * A token the operation accepts, so that an unimplemented one gets as far as its 501; `false` when
 * only a user (dashboard) session may call it, which the emulator does not have.
 */
function tokenFor(op: SpecOperation): string | null | undefined | false {
  if (!op.subjects.length || op.subjects.includes("Anonymous")) return null;
  if (op.subjects.includes("Organization")) return undefined;
  if (op.subjects.includes("Customer")) return customerToken;
  return false;
}

const customerToken = `polar_cst_${uuid().replaceAll("-", "")}`;
saveToken(emu.state.db, {
  token: customerToken,
  subject: "Customer",
  subject_id: uuid(),
  organization_id: emu.organizationId,
  scopes: "customer_portal:write",
  expires_at: null,
});

const passed = new Set<string>();
afterAll(() => {
  console.log(`contract: ${passed.size}/${operations.length} operations implemented and schema-valid`);
});

describe("contract coverage", () => {
  it("has a recipe for every implemented operation", () => {
    const missing = [...implemented].filter((id) => !recipes[id]).sort();
    expect(missing, `implemented operations without a contract recipe: ${missing.join(", ")}`).toEqual([]);
  });

  it("has no recipe for an operation that is not implemented", () => {
    const stale = Object.keys(recipes).filter((id) => !implemented.has(id));
    expect(stale, `recipes for operations without a handler: ${stale.join(", ")}`).toEqual([]);
  });

  const withRecipes = operations.filter((op) => implemented.has(op.id) && recipes[op.id]);
  it.each(withRecipes.map((op) => [op.id, op] as const))(
    "%s answers its success status with a schema-valid body",
    async (id, op) => {
      const res = await send(id, await (recipes[id] as () => Promise<Request>)());
      const expected = successStatus(op);
      expect(res.status, `${op.method} ${op.path}: ${JSON.stringify(res.body)}`).toBe(expected);
      if (op.responses[String(expected)]) {
        const validate = validatorAt(
          "paths",
          op.path,
          op.method.toLowerCase(),
          "responses",
          String(expected),
          "content",
          "application/json",
          "schema",
        );
        expect(issuesOf(validate, res.body, "body")).toEqual([]);
      }
      passed.add(id);
    },
  );

  const unimplemented = operations.filter((op) => !implemented.has(op.id));
  it.each(unimplemented.map((op) => [op.id, op] as const))("%s answers 501 NotImplemented", async (id, op) => {
    const token = tokenFor(op);
    // Placeholder path values: the 501 comes before any lookup.
    const params = Object.fromEntries(
      [...op.path.matchAll(/\{([^}]+)\}/g)].map((match) => [match[1] as string, uuid()]),
    );
    const res = await send(id, { params, token: token === false ? null : token });
    if (token === false) {
      // No emulated subject may call it: refused before the missing handler matters.
      expect(res.status).toBe(401);
      return;
    }
    expect(res.status, `${op.method} ${op.path}`).toBe(501);
    expect(res.body.error).toBe("NotImplemented");
  });
});
