// How stored objects look through the Customer Portal API: the spec's `Customer*` schemas, which
// are narrower than the Core API's (no metadata, no other customers' data, the organization
// embedded where the portal needs it). Objects are cut down to the schema's own fields.
import { minimalValue } from "../../defaults";
import { type JsonSchema, loadSpec } from "../../spec";
import type { Customer, Organization } from "../commerce/shared";

const schemas = () => loadSpec().document.components.schemas;

/** The schema behind `$ref`s and behind a nullable union with a single other branch. */
function narrow(schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let guard = 0; guard < 20; guard++) {
    const ref = current.$ref as string | undefined;
    if (ref) {
      current = schemas()[ref.split("/").pop() as string] as JsonSchema;
      continue;
    }
    const branches = (current.anyOf ?? current.oneOf) as JsonSchema[] | undefined;
    const others = branches?.filter((branch) => branch.type !== "null");
    if (others?.length === 1) {
      current = others[0] as JsonSchema;
      continue;
    }
    return current;
  }
  return current;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `value` cut down to what `schema` declares: only its properties (recursively through objects and
 * arrays of one object schema), required ones that are missing filled with their minimal value.
 * Unions of several shapes and maps are kept as they are.
 */
function project(schema: JsonSchema, value: unknown, now: string): unknown {
  if (value === null || value === undefined) return value;
  const s = narrow(schema);
  if (isPlainObject(value) && isPlainObject(s.properties)) {
    const properties = s.properties as Record<string, JsonSchema>;
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(properties)) {
      if (value[name] !== undefined) out[name] = project(property, value[name], now);
    }
    for (const name of (s.required as string[] | undefined) ?? []) {
      if (!(name in out) && properties[name]) out[name] = minimalValue(properties[name], now);
    }
    return out;
  }
  if (Array.isArray(value) && s.type === "array" && isPlainObject(s.items)) {
    return value.map((item) => project(s.items as JsonSchema, item, now));
  }
  return value;
}

/** `value` as the named component schema shows it. */
export const presentAs = <T = Record<string, unknown>>(name: string, value: unknown, now: string): T =>
  project({ $ref: `#/components/schemas/${name}` }, value, now) as T;

/** The organization as portal objects embed it (`CustomerOrganization`). */
export function customerOrganization(organization: Organization | undefined, now: string) {
  const settings = (organization?.subscription_settings ?? {}) as Record<string, unknown>;
  return presentAs(
    "CustomerOrganization",
    {
      ...organization,
      proration_behavior: organization?.proration_behavior ?? settings.proration_behavior ?? "prorate",
      allow_customer_updates: organization?.allow_customer_updates ?? settings.allow_customer_updates ?? true,
      customer_portal_settings: organization?.customer_portal_settings ?? {
        usage: { show: true },
        subscription: { update_seats: true, update_plan: true },
      },
    },
    now,
  );
}

/** A product with its organization embedded, as portal orders and subscriptions show it. */
export const withOrganization = (product: object | null | undefined, organization: unknown) =>
  product ? { ...product, organization } : product;

/** The customer as the portal shows it (`CustomerPortalCustomer`). */
export const portalCustomer = (customer: Customer, now: string) =>
  presentAs("CustomerPortalCustomer", { ...customer, oauth_accounts: {} }, now);

// The portal modules read derived ids from here.
export { derivedUuid } from "../../ids";
