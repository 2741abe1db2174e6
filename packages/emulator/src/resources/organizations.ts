import { organizationOf } from "../auth";
import type { EmulatorState, OperationHandlers } from "../context";
import { build } from "../defaults";
import { notFound } from "../errors";
import { uuid } from "../ids";
import { matches, paginate, sortBy } from "../pagination";
import type { Doc } from "../store";

export const ORGANIZATION = "organization";

/** A new organization as the API returns it. */
export function newOrganization(state: EmulatorState, fields: { name: string; slug: string; [key: string]: unknown }) {
  const now = state.clock.iso();
  const doc = build("Organization", now, {
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
  });
  // An organization is its own scope.
  return state.store.insert(ORGANIZATION, doc as Doc, { organizationId: doc.id as string });
}

export const organizationHandlers: OperationHandlers = {
  "organizations:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const all = state.store.all(ORGANIZATION, { organizationId }).filter((org) => matches(query.slug, org.slug));
    return paginate(sortBy(all, query.sorting, ["created_at"]), query);
  },
  "organizations:get": ({ state, subject, params }) => {
    if (params.id !== organizationOf(subject)) throw notFound();
    return state.store.get(ORGANIZATION, params.id);
  },
  "organizations:update": ({ state, subject, params, body }) => {
    if (params.id !== organizationOf(subject)) throw notFound();
    const current = state.store.get(ORGANIZATION, params.id);
    const changes = Object.fromEntries(Object.entries(body ?? {}).filter(([, value]) => value !== undefined));
    const updated = state.store.put(ORGANIZATION, {
      ...current,
      ...changes,
      modified_at: state.clock.iso(),
    });
    state.emit(updated.id, "organization.updated", updated);
    return updated;
  },
};
