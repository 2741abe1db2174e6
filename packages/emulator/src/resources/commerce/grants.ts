// Benefit grants (one per benefit of a purchased product, scoped to the order or the subscription)
// and the license keys `license_keys` benefits hand out.
import { randomUUID } from "node:crypto";
import type { EmulatorState } from "../../context";
import { build } from "../../defaults";
import { uuid } from "../../ids";
import { withCustomer } from "./customer-state";
import { currentBenefit } from "./products";
import {
  addInterval,
  type Benefit,
  type BenefitGrant,
  type Customer,
  KIND,
  type LicenseKey,
  type Product,
} from "./shared";

export type GrantScope =
  | { subscriptionId: string; orderId?: undefined }
  | { orderId: string; subscriptionId?: undefined };

const inScope = (grant: BenefitGrant, scope: GrantScope) =>
  scope.subscriptionId ? grant.subscription_id === scope.subscriptionId : grant.order_id === scope.orderId;

/** The grants of a subscription or an order. */
export const grantsOf = (state: EmulatorState, customerId: string, scope: GrantScope) =>
  state.store.all<BenefitGrant>(KIND.grant, { customerId }).filter((grant) => inScope(grant, scope));

/** A grant as `benefit_grant.*` webhooks carry it (`BenefitGrantWebhook`). */
const webhookData = (state: EmulatorState, grant: BenefitGrant) => ({
  ...withCustomer(state, grant),
  previous_properties: null,
});

const emitGrant = (state: EmulatorState, type: string, grant: BenefitGrant) =>
  state.emit(grant.benefit.organization_id, type, webhookData(state, grant));

type LicenseProperties = {
  prefix?: string | null;
  expires?: { ttl: number; timeframe: "year" | "month" | "day" } | null;
  activations?: { limit: number } | null;
  limit_usage?: number | null;
};

/** A new license key: an uppercase UUID4, `PREFIX-` first when the benefit sets one; limits from the benefit. */
function issueLicenseKey(state: EmulatorState, benefit: Benefit, customer: Customer): LicenseKey {
  const now = state.clock.iso();
  const properties = benefit.properties as LicenseProperties;
  const random = randomUUID().toUpperCase();
  const key = properties.prefix ? `${properties.prefix.toUpperCase()}-${random}` : random;
  const expires = properties.expires;
  const doc = build("LicenseKeyRead", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    organization_id: benefit.organization_id,
    customer_id: customer.id,
    customer,
    benefit_id: benefit.id,
    key,
    display_key: `****-${key.slice(-6)}`,
    status: "granted",
    limit_activations: properties.activations?.limit ?? null,
    usage: 0,
    limit_usage: properties.limit_usage ?? null,
    validations: 0,
    last_validated_at: null,
    expires_at: expires ? addInterval(now, expires.timeframe, expires.ttl) : null,
  }) as unknown as LicenseKey;
  return state.store.insert(KIND.licenseKey, doc);
}

/** What the grant records about the benefit it gave (`BenefitGrant*Properties`). */
function grantProperties(state: EmulatorState, benefit: Benefit, customer: Customer) {
  if (benefit.type === "license_keys") {
    const licenseKey = issueLicenseKey(state, benefit, customer);
    return { license_key_id: licenseKey.id, display_key: licenseKey.display_key };
  }
  if (benefit.type === "downloadables") {
    const files = (benefit.properties as { files?: string[] }).files ?? [];
    return { files };
  }
  return {};
}

function setLicenseKeyStatus(state: EmulatorState, grant: BenefitGrant, status: "granted" | "revoked") {
  const id = (grant.properties as { license_key_id?: string }).license_key_id;
  const licenseKey = id ? state.store.find<LicenseKey>(KIND.licenseKey, id) : undefined;
  if (licenseKey && licenseKey.status !== status) {
    state.store.put(KIND.licenseKey, { ...licenseKey, status, modified_at: state.clock.iso() });
  }
}

/**
 * Grants every benefit of the product to the customer for the order or subscription: new grants
 * emit `benefit_grant.created`, revoked ones are granted again (`benefit_grant.updated`), granted
 * ones are left alone.
 */
export function grantBenefits(
  state: EmulatorState,
  customer: Customer,
  product: Product,
  scope: GrantScope,
): BenefitGrant[] {
  const now = state.clock.iso();
  const existing = grantsOf(state, customer.id, scope);
  const granted: BenefitGrant[] = [];
  for (const embedded of product.benefits) {
    const benefit = currentBenefit(state, embedded);
    const previous = existing.find((grant) => grant.benefit_id === benefit.id);
    if (previous?.is_granted) continue;
    if (previous) {
      setLicenseKeyStatus(state, previous, "granted");
      const regranted = state.store.put(KIND.grant, {
        ...previous,
        modified_at: now,
        granted_at: now,
        is_granted: true,
        revoked_at: null,
        is_revoked: false,
      });
      emitGrant(state, "benefit_grant.updated", regranted);
      granted.push(regranted);
      continue;
    }
    const grant = build("BenefitGrant", now, {
      id: uuid(),
      created_at: now,
      modified_at: null,
      granted_at: now,
      is_granted: true,
      revoked_at: null,
      is_revoked: false,
      subscription_id: scope.subscriptionId ?? null,
      order_id: scope.orderId ?? null,
      customer_id: customer.id,
      member_id: null,
      benefit_id: benefit.id,
      error: null,
      customer,
      member: null,
      benefit,
      properties: grantProperties(state, benefit, customer),
    }) as unknown as BenefitGrant;
    // Grants carry no organization_id of their own: their benefit's is their scope.
    state.store.insert(KIND.grant, grant, { organizationId: benefit.organization_id });
    emitGrant(state, "benefit_grant.created", grant);
    granted.push(grant);
  }
  return granted;
}

/**
 * Revokes the scope's granted grants (only those of `benefitIds` when given) and their license
 * keys; `benefit_grant.revoked` for each.
 */
export function revokeGrants(
  state: EmulatorState,
  customerId: string,
  scope: GrantScope,
  benefitIds?: Set<string>,
): number {
  let count = 0;
  for (const grant of grantsOf(state, customerId, scope)) {
    if (!grant.is_granted || (benefitIds && !benefitIds.has(grant.benefit_id))) continue;
    revokeGrant(state, grant);
    count++;
  }
  return count;
}

/** Revokes one grant (and its license key): `benefit_grant.revoked`. */
export function revokeGrant(state: EmulatorState, grant: BenefitGrant): void {
  const now = state.clock.iso();
  setLicenseKeyStatus(state, grant, "revoked");
  const revoked = state.store.put(KIND.grant, {
    ...grant,
    modified_at: now,
    is_granted: false,
    revoked_at: now,
    is_revoked: true,
  });
  emitGrant(state, "benefit_grant.revoked", revoked);
}

/** A benefit's new properties reach its grants: `benefit_grant.updated` for the granted ones. */
export function refreshGrantsOfBenefit(state: EmulatorState, benefit: Benefit): void {
  for (const grant of state.store.all<BenefitGrant>(KIND.grant)) {
    if (grant.benefit_id !== benefit.id) continue;
    const updated = state.store.put(KIND.grant, { ...grant, benefit, modified_at: state.clock.iso() });
    if (updated.is_granted) emitGrant(state, "benefit_grant.updated", updated);
  }
}

/** A renewal: each granted grant of the subscription is cycled (`benefit_grant.cycled`). */
export function cycleGrants(state: EmulatorState, customerId: string, subscriptionId: string): void {
  const now = state.clock.iso();
  for (const grant of grantsOf(state, customerId, { subscriptionId })) {
    if (!grant.is_granted) continue;
    emitGrant(state, "benefit_grant.cycled", state.store.put(KIND.grant, { ...grant, modified_at: now }));
  }
}
