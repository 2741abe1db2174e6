import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { build } from "../../defaults";
import { invalid } from "../../errors";
import { uuid } from "../../ids";
import { matches } from "../../pagination";
import type { Doc } from "../../store";
import { syncReferences } from "./references";
import { containsText, inOrganizationFilter, KIND, ownDoc, pathId, schemaForTag, sortedPage } from "./shared";

type CustomFieldUpdate = Schema<"CustomFieldUpdate">;

const FORM_PROPERTIES = ["form_label", "form_help_text", "form_placeholder"];
// The properties each type keeps; anything else in the input is dropped, as the API's typed properties do.
const PROPERTIES_BY_TYPE: Record<string, string[]> = {
  text: [...FORM_PROPERTIES, "textarea", "min_length", "max_length"],
  number: [...FORM_PROPERTIES, "ge", "le"],
  date: [...FORM_PROPERTIES, "ge", "le"],
  checkbox: FORM_PROPERTIES,
  select: [...FORM_PROPERTIES, "options"],
};

function propertiesOf(type: string, input: Record<string, unknown>): Record<string, unknown> {
  const kept = Object.entries(input).filter(([key, value]) => PROPERTIES_BY_TYPE[type]?.includes(key) && value != null);
  const properties = Object.fromEntries(kept);
  if (Array.isArray(properties.options)) {
    properties.options = (properties.options as { value: string; label: string }[]).map(({ value, label }) => ({
      value,
      label,
    }));
  }
  return properties;
}

/** Slugs are unique per organization, in any case (the API stores them case-insensitively). */
function refuseTakenSlug(state: EmulatorState, organizationId: string, slug: string, selfId?: string): void {
  const taken = state.store
    .all(KIND.customField, { organizationId })
    .some((field) => field.id !== selfId && String(field.slug).toLowerCase() === slug.toLowerCase());
  if (taken) throw invalid(["body", "slug"], "Custom field with this slug already exists.", "value_error", slug);
}

export function createCustomField(
  state: EmulatorState,
  organizationId: string,
  body: Schema<"CustomFieldCreate">,
): Doc {
  refuseTakenSlug(state, organizationId, body.slug);
  const now = state.clock.iso();
  const field = build(schemaForTag("CustomField", body.type), now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    type: body.type,
    slug: body.slug,
    name: body.name,
    organization_id: organizationId,
    metadata: body.metadata ?? {},
    properties: propertiesOf(body.type, body.properties as Record<string, unknown>),
  }) as Doc;
  return state.store.insert(KIND.customField, field);
}

export function updateCustomField(
  state: EmulatorState,
  organizationId: string,
  id: string,
  body: CustomFieldUpdate,
): Doc {
  const field = ownDoc(state, KIND.customField, id, organizationId);
  if (body.type !== field.type) {
    throw invalid(["body", "type"], "The type of a custom field can't be changed.", "value_error", body.type);
  }
  if (body.slug != null) refuseTakenSlug(state, organizationId, body.slug, field.id);
  const updated = state.store.put(KIND.customField, {
    ...field,
    ...(body.slug != null && { slug: body.slug }),
    ...(body.name != null && { name: body.name }),
    ...(body.metadata != null && { metadata: body.metadata }),
    ...(body.properties != null && {
      properties: propertiesOf(field.type as string, body.properties as Record<string, unknown>),
    }),
    modified_at: state.clock.iso(),
  });
  syncReferences(state, organizationId);
  return updated;
}

/** Deletes a field and detaches it from every product. */
export function deleteCustomField(state: EmulatorState, organizationId: string, id: string): void {
  ownDoc(state, KIND.customField, id, organizationId);
  state.store.remove(KIND.customField, id);
  syncReferences(state, organizationId);
}

export function listCustomFields(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const fields = state.store
    .all(KIND.customField, { organizationId })
    .filter(
      (f) =>
        inOrganizationFilter(query.organization_id, organizationId) &&
        matches(query.type, f.type) &&
        (containsText(f.name, query.query) || containsText(f.slug, query.query)),
    );
  return sortedPage(fields, query, ["slug"]);
}

export const customFieldHandlers: OperationHandlers = {
  "custom-fields:list": ({ state, subject, query }) => listCustomFields(state, organizationOf(subject), query),
  "custom-fields:create": ({ state, subject, body }) => createCustomField(state, bodyOrganization(subject, body), body),
  "custom-fields:get": ({ state, subject, params }) =>
    ownDoc(state, KIND.customField, pathId(params), organizationOf(subject)),
  "custom-fields:update": ({ state, subject, params, body }) =>
    updateCustomField(state, organizationOf(subject), pathId(params), body),
  "custom-fields:delete": ({ state, subject, params }) => {
    deleteCustomField(state, organizationOf(subject), pathId(params));
    return new Reply(204);
  },
};
