// The customer's benefit grants, license keys and downloadable files.
import type { EmulatorState, OperationHandlers } from "../../context";
import { matches, paginate } from "../../pagination";
import { withCustomer } from "../commerce/customer-state";
import { currentBenefit } from "../commerce/products";
import { type BenefitGrant, type Customer, KIND, type LicenseKey, type Order, sortWith } from "../commerce/shared";
import { activationsOf } from "../usage/license-keys";
import { customerDownloadables } from "./downloads";
import { portalCustomer, presentAs } from "./present";
import { matchesText, organizationOfCustomer, ownedBy, sessionCustomer } from "./scope";

const GRANT_SCHEMAS: Record<string, string> = {
  custom: "CustomerBenefitGrantCustom",
  discord: "CustomerBenefitGrantDiscord",
  github_repository: "CustomerBenefitGrantGitHubRepository",
  downloadables: "CustomerBenefitGrantDownloadables",
  license_keys: "CustomerBenefitGrantLicenseKeys",
  meter_credit: "CustomerBenefitGrantMeterCredit",
  feature_flag: "CustomerBenefitGrantFeatureFlag",
  slack_shared_channel: "CustomerBenefitGrantSlackSharedChannel",
};

/** The customer's grants, with their benefit as it is now. */
export const customerGrants = (state: EmulatorState, customer: Customer): BenefitGrant[] =>
  state.store
    .all<BenefitGrant>(KIND.grant, { customerId: customer.id })
    .map((grant) => ({ ...grant, benefit: currentBenefit(state, grant.benefit) }) as BenefitGrant);

/** A grant as the `CustomerBenefitGrant` variant of its benefit type. */
export function presentGrant(state: EmulatorState, customer: Customer, grant: BenefitGrant) {
  const now = state.clock.iso();
  const schema = GRANT_SCHEMAS[grant.benefit.type] ?? "CustomerBenefitGrantCustom";
  return presentAs(
    schema,
    {
      ...grant,
      customer: portalCustomer(customer, now),
      benefit: { ...grant.benefit, organization: organizationOfCustomer(state, customer) },
    },
    now,
  );
}

/** The customer's license keys, their customer as it is now. */
export const customerLicenseKeys = (state: EmulatorState, customer: Customer): LicenseKey[] =>
  state.store
    .all<LicenseKey>(KIND.licenseKey, { customerId: customer.id })
    .map((key) => withCustomer(state, key))
    .filter((key) => key.organization_id === customer.organization_id);

export const benefitApiHandlers: OperationHandlers = {
  "customer_portal:benefit-grants:list": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    const checkoutOf = (grant: BenefitGrant) =>
      grant.order_id ? (state.store.find<Order>(KIND.order, grant.order_id)?.checkout_id ?? null) : null;
    const items = customerGrants(state, customer).filter(
      (g) =>
        matches(query.type, g.benefit.type) &&
        matches(query.benefit_id, g.benefit_id) &&
        matches(query.order_id, g.order_id) &&
        matches(query.subscription_id, g.subscription_id) &&
        matches(query.member_id, g.member_id) &&
        (query.checkout_id == null || matches(query.checkout_id, checkoutOf(g))) &&
        matchesText(query.query, g.benefit.description),
    );
    const sorted = sortWith(items, query.sorting, ["-granted_at"], {
      type: (g) => g.benefit.type,
      product_benefit: (g) => g.benefit.description,
    });
    const page = paginate(sorted, query);
    return { ...page, items: page.items.map((grant) => presentGrant(state, customer, grant)) };
  },
  "customer_portal:benefit-grants:get": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    const grant = ownedBy<BenefitGrant>(state, KIND.grant, params.id as string, customer);
    return presentGrant(state, customer, { ...grant, benefit: currentBenefit(state, grant.benefit) } as BenefitGrant);
  },
  "customer_portal:license_keys:list": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    const items = customerLicenseKeys(state, customer).filter((key) => matches(query.benefit_id, key.benefit_id));
    const page = paginate(sortWith(items, null, ["-created_at"]), query);
    const now = state.clock.iso();
    return { ...page, items: page.items.map((key) => presentAs("LicenseKeyRead", key, now)) };
  },
  "customer_portal:license_keys:get": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    const key = withCustomer(state, ownedBy<LicenseKey>(state, KIND.licenseKey, params.id as string, customer));
    return presentAs(
      "LicenseKeyWithActivations",
      { ...key, activations: activationsOf(state, key) },
      state.clock.iso(),
    );
  },
  "customer_portal:downloadables:list": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    return paginate(customerDownloadables(state, customer, query.benefit_id), query);
  },
};
