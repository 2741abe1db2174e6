import { apiFailureResponse, type Logger } from "../_internal/failures";
import { jsonError } from "../_internal/http";
import { httpUrl, isAllowedOrigin, resolveAppUrl, withCheckoutId } from "../_internal/urls";
import type { ConfigInput, PolarConnection } from "../config";
import { checkoutsCreate } from "../generated/operations";
import type { Schemas } from "../types";
import { type HandlerOptions, redirectToPolar, runApiHandler } from "./api-handler";
import {
  BodyTooLargeError,
  coerce,
  ParameterError,
  type ParamKind,
  type RawParams,
  readParams,
  UnsupportedMediaTypeError,
} from "./params";

type CheckoutCreate = Schemas["CheckoutProductsCreate"];

// Every checkout-create field a visitor's request may set: parameter name -> [API field, kind].
// Left out on purpose: `subscription_id` (whose subscription?) and `prices` (price overrides);
// set those server-side through `overrides`.
const CUSTOMER_PARAMS = {
  customerId: ["customer_id", "string"],
  customerExternalId: ["external_customer_id", "string"],
  customerEmail: ["customer_email", "string"],
  customerName: ["customer_name", "string"],
  customerBillingName: ["customer_billing_name", "string"],
  customerBillingAddress: ["customer_billing_address", "json"],
  customerTaxId: ["customer_tax_id", "string"],
  customerIpAddress: ["customer_ip_address", "string"],
  customerMetadata: ["customer_metadata", "json"],
  isBusinessCustomer: ["is_business_customer", "bool"],
} as const satisfies Record<string, readonly [keyof CheckoutCreate, ParamKind]>;

const CHECKOUT_PARAMS = {
  products: ["products", "list"],
  metadata: ["metadata", "json"],
  customFieldData: ["custom_field_data", "json"],
  discountId: ["discount_id", "string"],
  allowDiscountCodes: ["allow_discount_codes", "bool"],
  requireBillingAddress: ["require_billing_address", "bool"],
  amount: ["amount", "int"],
  seats: ["seats", "int"],
  minSeats: ["min_seats", "int"],
  maxSeats: ["max_seats", "int"],
  currency: ["currency", "string"],
  locale: ["locale", "string"],
  allowTrial: ["allow_trial", "bool"],
  trialInterval: ["trial_interval", "string"],
  trialIntervalCount: ["trial_interval_count", "int"],
  embedOrigin: ["embed_origin", "string"],
} as const satisfies Record<string, readonly [keyof CheckoutCreate, ParamKind]>;

// Two tables rather than one spread into the other: a top-level spread would keep both in every
// bundle that imports the handlers, checkout or not.
const ALL_PARAMS = [CHECKOUT_PARAMS, CUSTOMER_PARAMS];

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
export type CheckoutCustomer = {
  [K in keyof typeof CUSTOMER_PARAMS]?: ParamValue<(typeof CUSTOMER_PARAMS)[K][1]>;
};

/** Options of `handleCheckout`. */
export interface CheckoutConfig<Context = Request> extends PolarConnection {
  /**
   * Where Polar sends the customer after paying: absolute, or relative to the request URL.
   * May contain `{CHECKOUT_ID}`.
   */
  successUrl?: string;
  /** Where the checkout's back button leads: absolute, or relative to the request URL. */
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
  /** Metadata set by the server; merged over the request's `metadata`, winning on conflicts. */
  metadata?: Record<string, string | number | boolean>;
  /** Fields set by the server that win over everything else (e.g. `subscription_id`). */
  overrides?: Partial<CheckoutCreate>;
  /**
   * Accept `successUrl` / `returnUrl` from the request, when they point at the request's own
   * origin or one of `origins`. Off by default: redirect targets come from config.
   * @default false
   */
  allowUrlOverrides?: boolean | { origins: readonly string[] };
  /**
   * The largest POST body read, in bytes.
   * @default 65536
   */
  maxBodyBytes?: number;
  /** @default console */
  logger?: Logger;
}

function buildCheckout(params: RawParams): Partial<CheckoutCreate> {
  const body: Record<string, unknown> = {};
  for (const table of ALL_PARAMS) {
    for (const [name, [field, kind]] of Object.entries(table)) {
      if (params[name] !== undefined && params[name] !== null) body[field] = coerce(name, kind, params[name]);
    }
  }
  if (body.embed_origin !== undefined && httpUrl(String(body.embed_origin))?.origin !== body.embed_origin) {
    throw new ParameterError("embedOrigin", "embedOrigin must be an origin such as https://app.example");
  }
  return body as Partial<CheckoutCreate>;
}

function chooseProducts(requested: string[] | undefined, config: CheckoutConfig<never>): string[] {
  if (config.products?.length) return [...config.products];
  if (!requested?.length) throw new ParameterError("products", "products is required: at least one product id", true);
  const allowed = config.allowedProducts;
  const refused = allowed ? requested.filter((id) => !allowed.includes(id)) : [];
  if (refused.length) throw new ParameterError("products", `products not offered here: ${refused.join(", ")}`);
  return requested;
}

function redirectTarget(
  name: "successUrl" | "returnUrl",
  params: RawParams,
  config: CheckoutConfig<never>,
  requestUrl: string,
): string | undefined {
  const requested = params[name];
  let value = config[name];
  if (requested !== undefined && config.allowUrlOverrides) {
    const origins = typeof config.allowUrlOverrides === "object" ? config.allowUrlOverrides.origins : [];
    const candidate = coerce(name, "string", requested) as string;
    if (!isAllowedOrigin(candidate, requestUrl, origins)) {
      throw new ParameterError(name, `${name} must point at this site`);
    }
    value = candidate;
  }
  if (value === undefined) return undefined;
  const url = resolveAppUrl(value, requestUrl);
  if (!url) throw new ParameterError(name, `${name} must be an http(s) URL`);
  return url;
}

/**
 * Creates a Polar checkout session from the request and redirects (303) to its hosted page.
 * Reads GET query parameters, or a POST form or JSON body (a POST route cannot be triggered by
 * link prefetching).
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
  const failure = (error: unknown, logger: Logger) => parameterFailure(error) ?? apiFailureResponse(error, logger);
  return runApiHandler(
    request,
    config,
    options,
    async (resolved, client, context) => {
      const params = await readParams(request, resolved.maxBodyBytes ?? 65_536);
      const fromRequest = buildCheckout(params);
      if (resolved.customer) {
        for (const [, [field]] of Object.entries(CUSTOMER_PARAMS)) delete fromRequest[field];
        const customer = (await resolved.customer(context)) ?? {};
        Object.assign(fromRequest, buildCheckout(customer));
      }
      const successUrl = redirectTarget("successUrl", params, resolved as CheckoutConfig<never>, request.url);
      const returnUrl = redirectTarget("returnUrl", params, resolved as CheckoutConfig<never>, request.url);
      const body: CheckoutCreate = {
        ...fromRequest,
        products: chooseProducts(fromRequest.products, resolved as CheckoutConfig<never>),
        metadata: { ...fromRequest.metadata, ...resolved.metadata } as CheckoutCreate["metadata"],
        ...(successUrl && {
          success_url: resolved.includeCheckoutId === false ? successUrl : withCheckoutId(successUrl),
        }),
        ...(returnUrl && { return_url: returnUrl }),
        ...resolved.overrides,
      };
      if (!Object.keys(body.metadata ?? {}).length) delete body.metadata;
      const checkout = await checkoutsCreate(client, body);
      return redirectToPolar(checkout.url, "a checkout");
    },
    failure,
  );
}

/** The 4xx answers for a request's own mistakes, shared by the handlers. */
export function parameterFailure(error: unknown): Response | undefined {
  if (error instanceof ParameterError) {
    return jsonError(400, error.missing ? "missing_parameter" : "invalid_parameter", error.message, {
      parameter: error.parameter,
    });
  }
  if (error instanceof BodyTooLargeError) return jsonError(413, "payload_too_large", "The request body is too large");
  if (error instanceof UnsupportedMediaTypeError) {
    return jsonError(415, "unsupported_media_type", "Send a form (urlencoded or multipart) or a JSON object");
  }
  return undefined;
}
