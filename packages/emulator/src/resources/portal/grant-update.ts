// A customer completes a grant that needs them: the GitHub or Discord account to give access to,
// the email to invite to a Slack channel. Other benefit types have nothing to set.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState, OperationHandlers } from "../../context";
import { invalid, notPermitted } from "../../errors";
import { withCustomer } from "../commerce/customer-state";
import { currentBenefit } from "../commerce/products";
import { type BenefitGrant, type Customer, KIND } from "../commerce/shared";
import { presentGrant } from "./benefits";
import { ownedBy, sessionCustomer } from "./scope";

type GrantUpdate = Schema<"CustomerBenefitGrantUpdate">;
type Properties = Record<string, unknown>;

/**
 * The grant's properties after the update, or null when the benefit type has none to set.
 * The emulator has no OAuth: any non-blank account id counts as an account the customer linked,
 * and access is granted at once (`granted_account_id`), where the API does it in a background job.
 */
function nextProperties(update: GrantUpdate, previous: Properties): Properties | null {
  if (update.benefit_type === "github_repository" || update.benefit_type === "discord") {
    const accountId = update.properties.account_id;
    if (accountId === null) {
      const { granted_account_id: _revoked, ...rest } = previous;
      return { ...rest, account_id: null };
    }
    if (!accountId.trim()) {
      throw invalid(["body", "properties", "account_id"], "OAuth account does not exist.", "value_error", accountId);
    }
    return { ...previous, account_id: accountId, granted_account_id: accountId };
  }
  if (update.benefit_type === "slack_shared_channel") {
    const email = update.properties.invited_email;
    if (email === previous.invited_email) return { ...previous };
    // A new invitee gets a new invite.
    const { invite_id: _id, invite_url: _url, ...rest } = previous;
    return { ...rest, invited_email: email };
  }
  return null;
}

/** Applies the customer's update; `benefit_grant.updated` (with the previous properties) when it changes the grant. */
function updateCustomerGrant(state: EmulatorState, customer: Customer, id: string, update: GrantUpdate) {
  const stored = ownedBy<BenefitGrant>(state, KIND.grant, id, customer);
  const grant = { ...stored, benefit: currentBenefit(state, stored.benefit) } as BenefitGrant;
  if (grant.is_revoked) throw notPermitted("Cannot update a revoked benefit grant.");
  if (update.benefit_type !== grant.benefit.type) {
    throw invalid(
      ["body", "benefit_type"],
      "Benefit type must match the existing granted benefit type.",
      "value_error",
      update.benefit_type,
    );
  }
  const previous = (grant.properties ?? {}) as Properties;
  const properties = nextProperties(update, previous);
  if (!properties) return presentGrant(state, customer, grant);
  const saved = state.store.put(KIND.grant, {
    ...grant,
    properties,
    error: null,
    modified_at: state.clock.iso(),
  } as BenefitGrant);
  state.emit(grant.benefit.organization_id, "benefit_grant.updated", {
    ...withCustomer(state, saved),
    previous_properties: previous,
  });
  return presentGrant(state, customer, saved);
}

export const grantUpdateHandlers: OperationHandlers = {
  "customer_portal:benefit-grants:update": ({ state, subject, params, body }) =>
    updateCustomerGrant(state, sessionCustomer(state, subject), params.id as string, body),
};
