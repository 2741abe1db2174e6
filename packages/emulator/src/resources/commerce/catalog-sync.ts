// Grants follow the catalog: a benefit added to a product reaches the product's active customers,
// a removed or deleted benefit is revoked, a changed benefit updates its grants.
import type { EmulatorState } from "../../context";
import { onCatalogChange } from "../catalog";
import { emitStateChanged, isActive } from "./customer-state";
import { grantBenefits, refreshGrantsOfBenefit, revokeGrant, revokeGrants } from "./grants";
import {
  type Benefit,
  type BenefitGrant,
  type Customer,
  KIND,
  type Order,
  type Product,
  type Subscription,
} from "./shared";

/** Who holds a product now: active subscriptions, and paid one-time orders. */
function holders(state: EmulatorState, product: Product) {
  const organizationId = product.organization_id;
  const subscriptions = state.store
    .all<Subscription>(KIND.subscription, { organizationId })
    .filter((s) => s.product_id === product.id && isActive(s))
    .map((s) => ({ customerId: s.customer_id, scope: { subscriptionId: s.id } }));
  const orders = state.store
    .all<Order>(KIND.order, { organizationId })
    .filter(
      (o) => o.product_id === product.id && !o.subscription_id && ["paid", "partially_refunded"].includes(o.status),
    )
    .map((o) => ({ customerId: o.customer_id, scope: { orderId: o.id } }));
  return [...subscriptions, ...orders];
}

function benefitsChanged(state: EmulatorState, product: Product, added: Benefit[], removed: Benefit[]) {
  const removedIds = new Set(removed.map((b) => b.id));
  for (const { customerId, scope } of holders(state, product)) {
    const customer = state.store.find<Customer>(KIND.customer, customerId);
    if (!customer) continue;
    if (added.length) grantBenefits(state, customer, { ...product, benefits: added }, scope);
    if (removedIds.size) revokeGrants(state, customerId, scope, removedIds);
    emitStateChanged(state, customerId);
  }
}

function benefitDeleted(state: EmulatorState, benefit: Benefit) {
  const customers = new Set<string>();
  for (const grant of state.store.all<BenefitGrant>(KIND.grant)) {
    if (grant.benefit_id !== benefit.id || !grant.is_granted) continue;
    revokeGrant(state, grant);
    customers.add(grant.customer_id);
  }
  for (const customerId of customers) emitStateChanged(state, customerId);
}

/** Subscribes the purchase flow to one emulator's catalog changes (once, at start). */
export function followCatalog(state: EmulatorState): void {
  onCatalogChange(state, (change) => {
    if (change.type === "product.benefits_changed") {
      benefitsChanged(state, change.product as Product, change.added as Benefit[], change.removed as Benefit[]);
    } else if (change.type === "benefit.updated") {
      refreshGrantsOfBenefit(state, change.benefit as Benefit);
    } else if (change.type === "benefit.deleted") {
      benefitDeleted(state, change.benefit as Benefit);
    }
  });
}
