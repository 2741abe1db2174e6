import type { components, operations } from "./generated/openapi";

export type { components, operations, paths, webhooks } from "./generated/openapi";

/** Every schema of the spec by name, in wire format (snake_case keys, ISO date strings). */
export type Schemas = components["schemas"];
/** One schema of the spec, e.g. `Schema<"Checkout">`. */
export type Schema<Name extends keyof Schemas> = Schemas[Name];
/** Every operation id of the spec, e.g. `"checkouts:create"`. */
export type OperationId = keyof operations;

export type Benefit = Schemas["Benefit"];
export type BenefitGrant = Schemas["BenefitGrant"];
export type Checkout = Schemas["Checkout"];
export type CheckoutCreate = Schemas["CheckoutCreate"];
export type CheckoutLink = Schemas["CheckoutLink"];
export type Customer = Schemas["Customer"];
export type CustomerSession = Schemas["CustomerSession"];
export type CustomerState = Schemas["CustomerState"];
export type Discount = Schemas["Discount"];
export type LicenseKeyRead = Schemas["LicenseKeyRead"];
export type Meter = Schemas["Meter"];
export type Order = Schemas["Order"];
export type Organization = Schemas["Organization"];
export type Product = Schemas["Product"];
export type ProductPrice = Schemas["ProductPrice"];
export type Refund = Schemas["Refund"];
export type Subscription = Schemas["Subscription"];
