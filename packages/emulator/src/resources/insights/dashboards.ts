// Custom metrics dashboards: a name and up to ten metric slugs, owned by an organization.
import { bodyOrganization, organizationOf } from "../../auth";
import type { OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { validationFailure } from "../../errors";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { owned } from "../commerce/shared";
import { METRIC_SLUGS } from "./definitions";

const DASHBOARD = "metric_dashboard";

type Dashboard = Doc & { name: string; metrics: string[]; organization_id: string };

/** Every slug must be a metric the API computes (422 naming the entry otherwise). */
function checkSlugs(metrics: string[] | null | undefined): void {
  const issues: Issue[] = (metrics ?? []).flatMap((slug, index) =>
    METRIC_SLUGS.has(slug)
      ? []
      : [{ loc: ["body", "metrics", index], msg: `Unknown metric slug: ${slug}`, type: "value_error", input: slug }],
  );
  if (issues.length) throw validationFailure(issues);
}

export const dashboardHandlers: OperationHandlers = {
  // A bare array, oldest first, as the API returns it.
  "metrics:list_dashboards": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const wanted = query.organization_id == null ? [] : [query.organization_id].flat();
    if (wanted.length && !wanted.includes(organizationId)) return [];
    return state.store.all<Dashboard>(DASHBOARD, { organizationId });
  },
  "metrics:create_dashboard": ({ state, subject, body }) => {
    const organizationId = bodyOrganization(subject, body);
    checkSlugs(body.metrics);
    const now = state.clock.iso();
    return state.store.insert<Dashboard>(DASHBOARD, {
      created_at: now,
      modified_at: null,
      id: uuid(),
      name: body.name,
      metrics: [...(body.metrics ?? [])],
      organization_id: organizationId,
    });
  },
  "metrics:get_dashboard": ({ state, subject, params }) =>
    owned<Dashboard>(state, DASHBOARD, params.id as string, organizationOf(subject)),
  "metrics:update_dashboard": ({ state, subject, params, body }) => {
    const dashboard = owned<Dashboard>(state, DASHBOARD, params.id as string, organizationOf(subject));
    checkSlugs(body.metrics);
    return state.store.put<Dashboard>(DASHBOARD, {
      ...dashboard,
      ...(body.name != null && { name: body.name }),
      ...(body.metrics != null && { metrics: [...body.metrics] }),
      modified_at: state.clock.iso(),
    });
  },
  "metrics:delete_dashboard": ({ state, subject, params }) => {
    owned<Dashboard>(state, DASHBOARD, params.id as string, organizationOf(subject));
    state.store.remove(DASHBOARD, params.id as string);
    return new Reply(204);
  },
};
