import { createHash } from "node:crypto";
import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { build } from "../../defaults";
import { notFound, validationFailure } from "../../errors";
import { uuid } from "../../ids";
import { matches, matchesMetadata, paginate, sortBy } from "../../pagination";
import type { Issue } from "../../validate";
import { csvReply } from "./csv";
import { customerState, emitStateChanged, isActive } from "./customer-state";
import { address, type Customer, KIND, metadata, type Subscription, sent } from "./shared";
import { revokeSubscription } from "./subscription-lifecycle";

type CustomerCreate = Schema<"CustomerCreate">;
type CustomerUpdate = Schema<"CustomerUpdate">;

const EU = new Set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split(" "));
const TAX_FORMATS: Record<string, string> = {
  US: "us_ein",
  GB: "gb_vat",
  CA: "ca_bn",
  AU: "au_abn",
  CH: "ch_vat",
  NO: "no_vat",
  IN: "in_gst",
  JP: "jp_cn",
};

/**
 * A tax id as customers store it: `[number, format]`. The emulator does not check numbers, it only
 * picks the format the country uses; like the API it needs the billing country to do so.
 */
export function taxId(value: string | null | undefined, country: string | null | undefined, loc: string[]) {
  if (!value) return null;
  if (!country) {
    throw validationFailure([{ loc, msg: "Country is required to validate tax ID.", type: "missing", input: null }]);
  }
  return [value, EU.has(country) ? "eu_vat" : (TAX_FORMATS[country] ?? "eu_vat")] as [string, never];
}

/** The organization's customers that are not deleted. */
export const liveCustomers = (state: EmulatorState, organizationId: string) =>
  state.store.all<Customer>(KIND.customer, { organizationId }).filter((c) => !c.deleted_at);

export const findByEmail = (state: EmulatorState, organizationId: string, email: string) =>
  liveCustomers(state, organizationId).find((c) => c.email?.toLowerCase() === email.toLowerCase());

export const findByExternalId = (state: EmulatorState, organizationId: string, externalId: string) =>
  liveCustomers(state, organizationId).find((c) => c.external_id === externalId);

/** The organization's live customer with that id, or 404 (deleted customers are gone for the API). */
export function getCustomer(state: EmulatorState, organizationId: string, id: string): Customer {
  const customer = state.store.find<Customer>(KIND.customer, id);
  if (!customer || customer.organization_id !== organizationId || customer.deleted_at) throw notFound();
  return customer;
}

export function getExternalCustomer(state: EmulatorState, organizationId: string, externalId: string): Customer {
  const customer = findByExternalId(state, organizationId, externalId);
  if (!customer) throw notFound();
  return customer;
}

export interface NewCustomer {
  email: string | null;
  type?: "individual" | "team";
  name?: string | null;
  external_id?: string | null;
  billing_address?: Customer["billing_address"];
  tax_id?: Customer["tax_id"];
  locale?: string | null;
  metadata?: Record<string, unknown>;
}

/** Email and external id are unique per organization: the API answers 422 on either, listing both. */
function assertUnique(state: EmulatorState, organizationId: string, fields: NewCustomer, except?: string) {
  const issues: Issue[] = [];
  const others = liveCustomers(state, organizationId).filter((c) => c.id !== except);
  if (fields.email && others.some((c) => c.email?.toLowerCase() === fields.email?.toLowerCase())) {
    issues.push({
      loc: ["body", "email"],
      msg: "A customer with this email address already exists.",
      type: "value_error",
      input: fields.email,
    });
  }
  if (fields.external_id && others.some((c) => c.external_id === fields.external_id)) {
    issues.push({
      loc: ["body", "external_id"],
      msg: "A customer with this external ID already exists.",
      type: "value_error",
      input: fields.external_id,
    });
  }
  if (issues.length) throw validationFailure(issues);
}

/** Stores a new customer and queues `customer.created` (callers queue `customer.state_changed`). */
export function createCustomer(state: EmulatorState, organizationId: string, fields: NewCustomer): Customer {
  assertUnique(state, organizationId, fields);
  const now = state.clock.iso();
  const type = fields.type ?? "individual";
  const doc = build(type === "team" ? "CustomerTeam" : "CustomerIndividual", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    metadata: metadata(fields.metadata),
    external_id: fields.external_id ?? null,
    email: fields.email,
    email_verified: false,
    type,
    name: fields.name ?? null,
    billing_name: fields.name ?? null,
    billing_address: fields.billing_address ?? null,
    tax_id: fields.tax_id ?? null,
    locale: fields.locale ?? null,
    organization_id: organizationId,
    default_payment_method_id: null,
    deleted_at: null,
    first_user_event_at: null,
    avatar_url: null,
  }) as unknown as Customer;
  const customer = state.store.insert(KIND.customer, doc);
  state.emit(organizationId, "customer.created", customer);
  return customer;
}

/** Applies a `CustomerUpdate`: the API's rules on email, external id, address and type. */
export function updateCustomer(state: EmulatorState, customer: Customer, body: CustomerUpdate): Customer {
  const changes = sent(body);
  const issues: Issue[] = [];
  if (changes.external_id !== undefined && changes.external_id !== customer.external_id && customer.external_id) {
    issues.push({
      loc: ["body", "external_id"],
      msg: "Customer external ID cannot be updated.",
      type: "value_error",
      input: changes.external_id,
    });
  }
  if ("billing_address" in changes && changes.billing_address === null) {
    issues.push({
      loc: ["body", "billing_address"],
      msg: "Customer billing address cannot be reset to null once set.",
      type: "value_error",
      input: null,
    });
  }
  if (changes.type === "individual" && customer.type === "team") {
    issues.push({
      loc: ["body", "type"],
      msg: "Customer type cannot be downgraded from 'team' to 'individual'.",
      type: "value_error",
      input: changes.type,
    });
  }
  if (issues.length) throw validationFailure(issues);
  const emailChanged = changes.email != null && changes.email.toLowerCase() !== customer.email?.toLowerCase();
  assertUnique(
    state,
    customer.organization_id,
    { email: emailChanged ? (changes.email as string) : null, external_id: changes.external_id ?? null },
    customer.id,
  );
  const billing = changes.billing_address ? address(changes.billing_address) : customer.billing_address;
  const taxNumber = changes.tax_id ?? customer.tax_id?.[0];
  const updated = {
    ...customer,
    ...(changes.name !== undefined && { name: changes.name, billing_name: changes.name }),
    ...(emailChanged && { email: changes.email as string, email_verified: false }),
    ...(changes.metadata !== undefined && { metadata: metadata(changes.metadata) }),
    ...(changes.locale !== undefined && { locale: changes.locale }),
    ...(changes.external_id !== undefined && !customer.external_id && { external_id: changes.external_id }),
    ...(changes.type && { type: changes.type }),
    billing_address: billing,
    tax_id: taxNumber ? taxId(taxNumber, billing?.country, ["body", "billing_address"]) : null,
    modified_at: state.clock.iso(),
  } as Customer;
  state.store.put(KIND.customer, updated);
  state.emit(updated.organization_id, "customer.updated", updated);
  emitStateChanged(state, updated.id);
  return updated;
}

// The API keeps the hash of the email for its records; the emulator only needs it to be stable.
const hashed = (value: string, salt: string) =>
  createHash("sha256").update(`${salt}:${value}`).digest("hex").slice(0, 16);

/**
 * Soft-deletes a customer: its billable subscriptions end now, its benefits are revoked, its
 * external id is freed; with `anonymize` its personal data is replaced by hashes.
 */
export function deleteCustomer(state: EmulatorState, customer: Customer, anonymize: boolean): void {
  for (const subscription of state.store.all<Subscription>(KIND.subscription, { customerId: customer.id })) {
    if (isActive(subscription) || subscription.status === "past_due") revokeSubscription(state, subscription, {});
  }
  const now = state.clock.iso();
  const deleted = {
    ...customer,
    deleted_at: now,
    modified_at: now,
    external_id: anonymize ? customer.external_id : null,
    ...(anonymize && {
      email: customer.email ? `${hashed(customer.email, customer.created_at)}@anonymized.invalid` : null,
      email_verified: false,
      name: customer.tax_id || !customer.name ? customer.name : hashed(customer.name, customer.created_at),
      billing_name: customer.billing_name ? hashed(customer.billing_name, customer.created_at) : null,
      billing_address: null,
      metadata: { ...customer.metadata, __anonymized_at: now },
    }),
  } as Customer;
  state.store.put(KIND.customer, deleted);
  state.emit(customer.organization_id, "customer.deleted", deleted);
  emitStateChanged(state, customer.id);
}

function createBody(state: EmulatorState, organizationId: string, body: CustomerCreate): Customer {
  const billing = address(body.billing_address);
  const customer = createCustomer(state, organizationId, {
    email: body.email ?? null,
    type: body.type ?? "individual",
    name: body.name ?? null,
    external_id: body.external_id ?? null,
    billing_address: billing,
    tax_id: taxId(body.tax_id, billing?.country, ["body", "billing_address"]),
    locale: body.locale ?? null,
    metadata: body.metadata,
  });
  emitStateChanged(state, customer.id);
  return customer;
}

const HEADER = [
  "ID",
  "External ID",
  "Created At",
  "Email",
  "Name",
  "Tax ID",
  "Billing Address Line 1",
  "Billing Address Line 2",
  "Billing Address City",
  "Billing Address State",
  "Billing Address Zip",
  "Billing Address Country",
  "Metadata",
];

export const customerHandlers: OperationHandlers = {
  "customers:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const text = typeof query.query === "string" ? query.query.toLowerCase() : null;
    const active = (customer: Customer) =>
      state.store.all<Subscription>(KIND.subscription, { customerId: customer.id }).some(isActive);
    const items = liveCustomers(state, organizationId).filter(
      (c) =>
        matches(query.organization_id, c.organization_id) &&
        (!query.email || c.email?.toLowerCase() === String(query.email).toLowerCase()) &&
        (!text ||
          [c.email, c.name, c.billing_name].some((v) => v?.toLowerCase().includes(text)) ||
          c.external_id?.toLowerCase().startsWith(text)) &&
        (query.active == null || active(c) === query.active) &&
        matchesMetadata(query.metadata, c.metadata),
    );
    return paginate(sortBy(items, query.sorting, ["-created_at"]), query);
  },
  "customers:create": ({ state, subject, body }) =>
    createBody(state, bodyOrganization(subject, body), body as CustomerCreate),
  "customers:export": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const rows = liveCustomers(state, organizationId)
      .filter((c) => matches(query.organization_id, c.organization_id))
      .map((c) => {
        const a = c.billing_address;
        return [
          c.id,
          c.external_id,
          c.created_at,
          c.email,
          c.name,
          c.tax_id ? c.tax_id[0] : null,
          a?.line1,
          a?.line2,
          a?.city,
          a?.state,
          a?.postal_code,
          a?.country,
          Object.keys(c.metadata).length ? JSON.stringify(c.metadata) : null,
        ];
      });
    return csvReply([HEADER, ...rows], "polar-customers.csv");
  },
  "customers:get": ({ state, subject, params }) => getCustomer(state, organizationOf(subject), params.id as string),
  "customers:update": ({ state, subject, params, body }) =>
    updateCustomer(state, getCustomer(state, organizationOf(subject), params.id as string), body),
  "customers:delete": ({ state, subject, params, query }) => {
    deleteCustomer(state, getCustomer(state, organizationOf(subject), params.id as string), query.anonymize === true);
    return new Reply(204);
  },
  "customers:get_external": ({ state, subject, params }) =>
    getExternalCustomer(state, organizationOf(subject), params.external_id as string),
  "customers:update_external": ({ state, subject, params, body }) =>
    updateCustomer(state, getExternalCustomer(state, organizationOf(subject), params.external_id as string), body),
  "customers:delete_external": ({ state, subject, params, query }) => {
    const customer = getExternalCustomer(state, organizationOf(subject), params.external_id as string);
    deleteCustomer(state, customer, query.anonymize === true);
    return new Reply(204);
  },
  "customers:get_state": ({ state, subject, params }) =>
    customerState(state, getCustomer(state, organizationOf(subject), params.id as string)),
  "customers:get_state_external": ({ state, subject, params }) =>
    customerState(state, getExternalCustomer(state, organizationOf(subject), params.external_id as string)),
};
