import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { build } from "../../defaults";
import { invalid, notFound, notPermitted, validationFailure } from "../../errors";
import { uuid } from "../../ids";
import { matches, matchesMetadata, paginate } from "../../pagination";
import type { Doc } from "../../store";
import { benefitProperties, isVisibilityConfigurable, resolveVisibility } from "./benefit-properties";
import { announce } from "./events";
import { syncReferences } from "./references";
import { containsText, inOrganizationFilter, KIND, ownDoc, pathId, schemaForTag, sortedPage } from "./shared";

type BenefitUpdate = {
  type: string;
  description?: string | null;
  metadata?: Doc["metadata"];
  visibility?: string | null;
  properties?: Record<string, unknown> | null;
};

/** A live benefit of the organization; deleted benefits are gone for the API (404). */
export function liveBenefit(state: EmulatorState, organizationId: string, id: string): Doc {
  const benefit = ownDoc(state, KIND.benefit, id, organizationId);
  if (benefit.is_deleted) throw notFound();
  return benefit;
}

export function createBenefit(state: EmulatorState, organizationId: string, body: Schema<"BenefitCreate">): Doc {
  const { properties, issues } = benefitProperties(
    state,
    organizationId,
    body.type,
    body.properties as Record<string, unknown>,
  );
  if (issues.length) throw validationFailure(issues);
  const now = state.clock.iso();
  const benefit = build(schemaForTag("Benefit", body.type), now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    type: body.type,
    description: body.description,
    selectable: true,
    deletable: true,
    is_deleted: false,
    organization_id: organizationId,
    metadata: body.metadata ?? {},
    visibility: resolveVisibility(body.type, body.visibility),
    properties,
    visibility_configurable: isVisibilityConfigurable(body.type),
  }) as Doc;
  state.store.insert(KIND.benefit, benefit);
  state.emit(organizationId, "benefit.created", benefit);
  return benefit;
}

export function updateBenefit(state: EmulatorState, organizationId: string, id: string, body: BenefitUpdate): Doc {
  const previous = liveBenefit(state, organizationId, id);
  if (body.type !== previous.type)
    throw invalid(["body", "type"], "Benefit type cannot be changed.", "value_error", previous.type);
  const changes: Doc = { ...previous };
  if (body.properties != null) {
    const { properties, issues } = benefitProperties(state, organizationId, previous.type as string, body.properties);
    if (issues.length) throw validationFailure(issues);
    changes.properties = properties;
  }
  if (body.description != null) changes.description = body.description;
  if (body.metadata != null) changes.metadata = body.metadata;
  if (body.visibility != null && isVisibilityConfigurable(previous.type as string))
    changes.visibility = body.visibility;
  const updated = state.store.put(KIND.benefit, { ...changes, modified_at: state.clock.iso() });
  syncReferences(state, organizationId);
  announce(state, { type: "benefit.updated", benefit: updated, previous });
  state.emit(organizationId, "benefit.updated", updated);
  return updated;
}

/**
 * Soft-deletes a benefit: it leaves every product and the API's lists, while grants that refer to
 * it still show it with `is_deleted`. The API announces it as `benefit.updated`.
 */
export function deleteBenefit(state: EmulatorState, organizationId: string, id: string): void {
  const benefit = liveBenefit(state, organizationId, id);
  if (!benefit.deletable) throw notPermitted();
  const deleted = state.store.put(KIND.benefit, { ...benefit, is_deleted: true });
  syncReferences(state, organizationId);
  announce(state, { type: "benefit.deleted", benefit: deleted });
  state.emit(organizationId, "benefit.updated", deleted);
}

export function listBenefits(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const benefits = state.store
    .all(KIND.benefit, { organizationId })
    .filter(
      (b) =>
        !b.is_deleted &&
        inOrganizationFilter(query.organization_id, organizationId) &&
        matches(query.type, b.type) &&
        matches(query.id, b.id) &&
        !(query.exclude_id != null && matches(query.exclude_id, b.id)) &&
        containsText(b.description, query.query) &&
        matchesMetadata(query.metadata, b.metadata as Record<string, unknown>),
    );
  // `user_order` sorts by the order of the `id` filter, for pickers that keep the merchant's order.
  const ids = ([] as unknown[]).concat(query.id ?? []);
  const rows = benefits.map((b) => ({
    created_at: b.created_at,
    description: b.description,
    type: b.type,
    user_order: ids.indexOf(b.id),
    doc: b,
  }));
  const page = sortedPage(rows, query, ["-created_at"]);
  return { ...page, items: page.items.map((row) => row.doc) };
}

/** The files of a downloadables benefit, as `BenefitDownloadableFile` (download statistics start at zero). */
export function benefitFiles(state: EmulatorState, organizationId: string, id: string, query: Record<string, unknown>) {
  const benefit = liveBenefit(state, organizationId, id);
  if (benefit.type !== "downloadables") throw notFound();
  const files = ((benefit.properties as { files: string[] }).files ?? [])
    .map((fileId) => state.store.find(KIND.file, fileId))
    .filter((file): file is Doc => Boolean(file && file.service === "downloadable"))
    .map((file) => ({ ...file, downloaders: 0, downloads: 0 }));
  return paginate(files, query);
}

export const benefitHandlers: OperationHandlers = {
  "benefits:list": ({ state, subject, query }) => listBenefits(state, organizationOf(subject), query),
  "benefits:create": ({ state, subject, body }) => createBenefit(state, bodyOrganization(subject, body), body),
  "benefits:get": ({ state, subject, params }) => liveBenefit(state, organizationOf(subject), pathId(params)),
  "benefits:update": ({ state, subject, params, body }) =>
    updateBenefit(state, organizationOf(subject), pathId(params), body as BenefitUpdate),
  "benefits:delete": ({ state, subject, params }) => {
    deleteBenefit(state, organizationOf(subject), pathId(params));
    return new Reply(204);
  },
  "benefits:files": ({ state, subject, params, query }) =>
    benefitFiles(state, organizationOf(subject), pathId(params), query),
};
