import type { Logger } from "../_internal/failures";
import { configuredUrl, withCheckoutId } from "../_internal/urls";
import type { ConfigInput, PolarConnection } from "../config";
import { checkoutsCreate } from "../generated/operations";
import type { Schemas } from "../types";
import { type AppSite, type HandlerOptions, redirectToPolar, runApiHandler } from "./api-handler";
import { coerce, invalidParameter, type ParamKind, readParams } from "./params";

type CheckoutCreate = Schemas["CheckoutProductsCreate"];

// Every checkout-create field a request can name, by parameter name, with how it is read and who
// may set it. The API field is the name in snake_case (`customerExternalId` is the API's
// `external_customer_id`).
// - "shopper": what Polar's own hosted page lets an anonymous visitor change (the spec's
//   `CheckoutUpdatePublic`): which product, the amount of a pay-what-you-want price, seats, their own
//   contact and billing details, the locale and custom fields.
// - "decline": the shopper may turn it off (a trial: `allowTrial=false`), only the merchant on.
// - "merchant": what changes price, terms, identity or metadata the app may trust. Set by the server
//   (`customer`, `metadata`, `overrides`); taken from the request only when named in `allowParams`.
// Left out entirely: `subscription_id` (whose subscription?) and `prices` (price overrides).
const PARAMS = {
  products: ["list", "shopper"],
  customFieldData: ["json", "shopper"],
  amount: ["int", "shopper"],
  seats: ["int", "shopper"],
  locale: ["string", "shopper"],
  customerEmail: ["string", "shopper"],
  customerName: ["string", "shopper"],
  customerBillingName: ["string", "shopper"],
  customerBillingAddress: ["json", "shopper"],
  customerTaxId: ["string", "shopper"],
  isBusinessCustomer: ["bool", "shopper"],
  allowTrial: ["bool", "decline"],
  metadata: ["json", "merchant"],
  discountId: ["string", "merchant"],
  allowDiscountCodes: ["bool", "merchant"],
  requireBillingAddress: ["bool", "merchant"],
  minSeats: ["int", "merchant"],
  maxSeats: ["int", "merchant"],
  currency: ["string", "merchant"],
  trialInterval: ["string", "merchant"],
  trialIntervalCount: ["int", "merchant"],
  embedOrigin: ["origin", "merchant"],
  customerId: ["string", "merchant"],
  customerExternalId: ["string", "merchant"],
  customerIpAddress: ["string", "merchant"],
  customerMetadata: ["json", "merchant"],
} as const satisfies Record<string, readonly [ParamKind, "shopper" | "decline" | "merchant"]>;

type ParamName = keyof typeof PARAMS;
/** A checkout parameter the request may set only when the app names it in `allowParams`. */
export type MerchantParam = {
  [Name in ParamName]: (typeof PARAMS)[Name][1] extends "shopper" ? never : Name;
}[ParamName];
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;
/** The API field of a checkout parameter (a test checks each is a field of the API's body). */
export type CheckoutParamField<Name extends ParamName = ParamName> = Name extends "customerExternalId"
  ? "external_customer_id"
  : SnakeCase<Name>;
const fieldOf = (name: string): string =>
  name === "customerExternalId" ? "external_customer_id" : name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// The parameters naming the customer: set by the app alone when it gives `customer`.
const isCustomerParam = (name: string): boolean => /^customer|^isBusiness/.test(name);
type CustomerParam = Extract<ParamName, `customer${string}` | "isBusinessCustomer">;

type ParamValue<Kind> = Kind extends "list"
  ? string[]
  : Kind extends "int"
    ? number
    : Kind extends "bool"
      ? boolean
      : Kind extends "json"
        ? Record<string, unknown>
        : string;

/** The customer fields of a checkout, as the app computes them for a signed-in user. */
export type CheckoutCustomer = { [K in CustomerParam]?: ParamValue<(typeof PARAMS)[K][0]> };

/** Options of `handleCheckout`. */
export interface CheckoutConfig<Context = Request> extends PolarConnection, AppSite {
  /**
   * Where Polar sends the customer after paying: absolute, or relative to `appUrl`.
   * May contain `{CHECKOUT_ID}`. Redirect targets come from config only, never from the request
   * (make the config a function of the request to vary them).
   */
  successUrl?: string;
  /** Where the checkout's back button leads: absolute, or relative to `appUrl`. */
  returnUrl?: string;
  /**
   * Append `checkout_id={CHECKOUT_ID}` to `successUrl` when it has no placeholder.
   * @default true
   */
  includeCheckoutId?: boolean;
  /** Sell exactly these products, whatever the request asks for. */
  products?: readonly string[];
  /** Let the request choose products, but only among these. */
  allowedProducts?: readonly string[];
  /**
   * The customer, computed by the app (e.g. from its session). When set, the request's
   * `customer*` parameters are ignored, so a visitor cannot pose as someone else.
   */
  customer?: (context: Context) => CheckoutCustomer | undefined | Promise<CheckoutCustomer | undefined>;
  /**
   * Parameters that change price, terms, identity or trusted metadata, which the request may set
   * too (by default only the server sets them): e.g. `["currency", "discountId"]` for a page that
   * lets shoppers pick them. Never list what an attacker could abuse on your site.
   */
  allowParams?: readonly MerchantParam[];
  /** Metadata set by the server; merged over the request's `metadata` (if allowed), winning on conflicts. */
  metadata?: Record<string, string | number | boolean>;
  /** Fields set by the server that win over everything else (e.g. `subscription_id`). */
  overrides?: Partial<CheckoutCreate>;
  /**
   * The largest POST body read, in bytes.
   * @default 65536
   */
  maxBodyBytes?: number;
  /** @default console */
  logger?: Logger;
}

function chooseProducts(requested: string[] | undefined, config: CheckoutConfig<never>): string[] {
  if (config.products?.length) return [...config.products];
  if (!requested?.length)
    throw invalidParameter("products", "is required: at least one product id", "missing_parameter");
  const allowed = config.allowedProducts;
  const refused = allowed ? requested.filter((id) => !allowed.includes(id)) : [];
  if (refused.length) throw invalidParameter("products", `not offered here: ${refused.join(", ")}`);
  return requested;
}

/**
 * Creates a Polar checkout session from the request and redirects (303) to its hosted page.
 * Reads GET query parameters, or a POST form, urlencoded or multipart (a POST route cannot be
 * triggered by link prefetching).
 *
 * @example
 * // GET /checkout?products=<id>&customerEmail=jane@example.com
 * export const GET = (request: Request) => handleCheckout(request, { successUrl: "/thanks" }, { env: process.env });
 */
export function handleCheckout<Context = Request>(
  request: Request,
  config: ConfigInput<CheckoutConfig<Context>, Context>,
  options: HandlerOptions<Context> = {},
): Promise<Response> {
  return runApiHandler(request, config, options, async (resolved, client, context) => {
    const params = await readParams(request, resolved.maxBodyBytes ?? 65_536);
    // The app's customer, when it gives one, replaces every customer parameter of the request.
    const customer: Record<string, unknown> | undefined =
      resolved.customer && ((await resolved.customer(context)) ?? {});
    const allowed = new Set<string>(resolved.allowParams);
    const fields: Record<string, unknown> = {};
    for (const [name, [kind, who]] of Object.entries(PARAMS)) {
      const fromApp = customer && isCustomerParam(name);
      const value = (fromApp ? customer : params)[name];
      // An empty form field means "not given", as a browser sends every input of a form.
      if (value == null || (typeof value === "string" && !value.trim())) continue;
      const field = coerce(name, kind, value);
      const shopperMay = who === "shopper" || (who === "decline" && field === false);
      if (!fromApp && !shopperMay && !allowed.has(name)) {
        throw invalidParameter(name, "is set by the server here (the app can allow it with allowParams)");
      }
      fields[fieldOf(name)] = field;
    }
    const successUrl = configuredUrl(resolved, "successUrl", request);
    const returnUrl = configuredUrl(resolved, "returnUrl", request);
    const body = {
      ...fields,
      products: chooseProducts(fields.products as string[] | undefined, resolved as CheckoutConfig<never>),
      metadata: { ...(fields.metadata as object), ...resolved.metadata },
      ...(successUrl && {
        success_url: resolved.includeCheckoutId === false ? successUrl : withCheckoutId(successUrl),
      }),
      ...(returnUrl && { return_url: returnUrl }),
      ...resolved.overrides,
    } as CheckoutCreate;
    if (!Object.keys(body.metadata ?? {}).length) delete body.metadata;
    const checkout = await checkoutsCreate(client, body);
    return redirectToPolar(checkout.url, "a checkout");
  });
}
