import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { matches } from "../../pagination";
import type { Doc } from "../../store";
import { liveBenefit } from "./benefits";
import { FOREIGN_KIND, inOrganizationFilter, KIND, pathId, sortedPage } from "./shared";

// Grants are created and changed by the commerce area under the `benefit_grant` kind. The catalog
// only lists them, with the benefit and the customer they embed read fresh from the store.

function withCurrentEmbeds(state: EmulatorState, grant: Doc): Doc {
  const benefit = state.store.find(KIND.benefit, grant.benefit_id as string);
  const customer = state.store.find(FOREIGN_KIND.customer, grant.customer_id as string);
  return { ...grant, ...(benefit && { benefit }), ...(customer && { customer }) };
}

/** Every grant of the organization's benefits, deleted benefits included. */
function organizationGrants(state: EmulatorState, organizationId: string): Doc[] {
  const benefitIds = new Set(state.store.all(KIND.benefit, { organizationId }).map((b) => b.id));
  return state.store
    .all(FOREIGN_KIND.benefitGrant)
    .filter((grant) => benefitIds.has(grant.benefit_id as string))
    .map((grant) => withCurrentEmbeds(state, grant));
}

const externalIdOf = (grant: Doc) => (grant.customer as Doc | undefined)?.external_id;

export function listBenefitGrants(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const grants = organizationGrants(state, organizationId).filter(
    (g) =>
      inOrganizationFilter(query.organization_id, organizationId) &&
      matches(query.customer_id, g.customer_id) &&
      matches(query.external_customer_id, externalIdOf(g)) &&
      matches(query.is_granted, g.is_granted),
  );
  return sortedPage(grants, query, ["-created_at"]);
}

export function listGrantsOfBenefit(
  state: EmulatorState,
  organizationId: string,
  benefitId: string,
  query: Record<string, unknown>,
) {
  liveBenefit(state, organizationId, benefitId);
  const grants = organizationGrants(state, organizationId).filter(
    (g) =>
      g.benefit_id === benefitId &&
      matches(query.customer_id, g.customer_id) &&
      matches(query.member_id, g.member_id) &&
      matches(query.is_granted, g.is_granted),
  );
  return sortedPage(grants, query, ["-created_at"]);
}

export const benefitGrantHandlers: OperationHandlers = {
  "benefit-grants:list": ({ state, subject, query }) => listBenefitGrants(state, organizationOf(subject), query),
  "benefits:grants": ({ state, subject, params, query }) =>
    listGrantsOfBenefit(state, organizationOf(subject), pathId(params), query),
};
