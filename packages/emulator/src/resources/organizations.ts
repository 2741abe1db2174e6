import type { Schema } from "@polar-kit/core";
import { organizationOf, type Subject } from "../auth";
import type { EmulatorState, OperationHandlers } from "../context";
import { acceptsNull, build } from "../defaults";
import { invalid, notFound, unauthorized } from "../errors";
import { uuid } from "../ids";
import { matches, paginate, sortBy } from "../pagination";
import { loadSpec } from "../spec";
import type { Doc } from "../store";

export const ORGANIZATION = "organization";

/** The spec's smallest valid Organization, which every new organization is laid over. */
const organizationBase = (state: EmulatorState) => build("Organization", state.clock.iso(), {});

/** A new organization as the API returns it, laid over `base`. */
export function newOrganization(
  state: EmulatorState,
  fields: { name: string; slug: string; [key: string]: unknown },
  base = organizationBase(state),
) {
  const now = state.clock.iso();
  const doc = {
    ...base,
    id: uuid(),
    created_at: now,
    modified_at: null,
    status: "active",
    default_presentment_currency: "usd",
    email: null,
    website: null,
    avatar_url: null,
    capabilities: {
      checkout_payments: true,
      subscription_renewals: true,
      payouts: true,
      refunds: true,
      api_access: true,
      dashboard_access: true,
    },
    ...fields,
  };
  // An organization is its own scope.
  return state.store.insert(ORGANIZATION, doc as Doc, { organizationId: doc.id as string });
}

// Which organizations a user created besides the one their token acts for (the API's `UserOrganization`).
const MEMBERSHIP = "user_organization";

/** The organizations a subject may read: its own, plus, for a user, the ones they created. */
function readableOrganizations(state: EmulatorState, subject: Subject): Set<string> {
  const ids = new Set([organizationOf(subject)]);
  if (subject.type === "User") {
    for (const m of state.store.all(MEMBERSHIP)) if (m.user_id === subject.userId) ids.add(m.organization_id as string);
  }
  return ids;
}

// Settings objects of create and update bodies are partial: they are laid over the current ones.
const SETTINGS = [
  "feature_settings",
  "subscription_settings",
  "customer_email_settings",
  "customer_portal_settings",
  "dispute_settings",
];

/**
 * The body's fields an organization keeps, over `current`: the API's Organization fields (and the
 * country), settings merged; `null` clears only a field the API can show as null, and leaves any
 * other as it was (a `name: null` emptied the name, and every object embedding it broke the spec).
 */
function organizationFields(current: Record<string, unknown>, body: Record<string, unknown>) {
  const properties = (loadSpec().document.components.schemas.Organization?.properties ?? {}) as object;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || (!(key in properties) && key !== "country")) continue;
    if (value === null) {
      if (acceptsNull("Organization", key)) fields[key] = null;
    } else fields[key] = SETTINGS.includes(key) ? { ...(current[key] as object), ...(value as object) } : value;
  }
  return fields;
}

/**
 * A new organization of the calling user (`status: created`, as a fresh sign-up is), with the body's
 * public fields; the slug must be free across every organization (422 at `body.slug`).
 */
function createOrganization(state: EmulatorState, userId: string, body: Schema<"OrganizationCreate">) {
  if (state.store.all(ORGANIZATION).some((org) => org.slug === body.slug)) {
    throw invalid(["body", "slug"], "An organization with this slug already exists.", "value_error", body.slug);
  }
  const base = organizationBase(state);
  const fields = organizationFields(base, body);
  const organization = newOrganization(
    state,
    { ...fields, name: body.name, slug: body.slug, status: "created", details_submitted_at: null },
    base,
  );
  state.store.insert(
    MEMBERSHIP,
    { id: uuid(), user_id: userId, organization_id: organization.id, created_at: state.clock.iso() },
    { organizationId: organization.id },
  );
  return organization;
}

export const organizationHandlers: OperationHandlers = {
  "organizations:list": ({ state, subject, query }) => {
    const readable = readableOrganizations(state, subject);
    const all = state.store.all(ORGANIZATION).filter((org) => readable.has(org.id) && matches(query.slug, org.slug));
    return paginate(sortBy(all, query.sorting, ["created_at"]), query);
  },
  "organizations:get": ({ state, subject, params }) => {
    if (!readableOrganizations(state, subject).has(params.id as string)) throw notFound();
    return state.store.get(ORGANIZATION, params.id as string);
  },
  // Only a user may create an organization (the router refuses organization tokens with a 401).
  "organizations:create": ({ state, subject, body }) => {
    if (subject.type !== "User") throw unauthorized();
    return createOrganization(state, subject.userId, body);
  },
  "organizations:update": ({ state, subject, params, body }) => {
    if (params.id !== organizationOf(subject)) throw notFound();
    const current = state.store.get(ORGANIZATION, params.id);
    const updated = state.store.put(ORGANIZATION, {
      ...current,
      ...organizationFields(current, body ?? {}),
      modified_at: state.clock.iso(),
    });
    state.emit(updated.id, "organization.updated", updated);
    return updated;
  },
};
