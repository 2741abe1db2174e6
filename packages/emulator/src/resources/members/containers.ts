// Finding the subscription or order whose seats a request is about, for the organization (Core API)
// or for the session's customer (portal). Anything the caller may not see is a 404.
import type { EmulatorState } from "../../context";
import { notFound, polarError } from "../../errors";
import { type Checkout, KIND, type Order, type Subscription } from "../commerce/shared";
import type { Container } from "./seats";

interface ContainerRefs {
  subscription_id?: string | null;
  order_id?: string | null;
  checkout_id?: string | null;
}

/** Who may see a container: its organization (Core API) or its customer (portal). */
export type Viewer = { organizationId: string; customerId?: string };

const organizationOfContainer = (container: Container) =>
  container.kind === "subscription" ? container.doc.product.organization_id : container.doc.customer.organization_id;

const visible = (container: Container, viewer: Viewer) =>
  organizationOfContainer(container) === viewer.organizationId &&
  (viewer.customerId === undefined || container.doc.customer_id === viewer.customerId);

function subscription(state: EmulatorState, id: string, viewer: Viewer): Container {
  const doc = state.store.find<Subscription>(KIND.subscription, id);
  const container: Container | undefined = doc && { kind: "subscription", doc };
  if (!container || !visible(container, viewer)) throw notFound("Subscription not found");
  return container;
}

function order(state: EmulatorState, id: string, viewer: Viewer): Container {
  const doc = state.store.find<Order>(KIND.order, id);
  const container: Container | undefined = doc && { kind: "order", doc };
  if (!container || !visible(container, viewer)) throw notFound("Order not found");
  return container;
}

/** A checkout stands for what it produced: its subscription, else its earliest order. */
function checkout(state: EmulatorState, id: string, viewer: Viewer): Container {
  const found = state.store.find<Checkout>(KIND.checkout, id);
  if (!found || found.organization_id !== viewer.organizationId) throw notFound("Checkout not found");
  const scope = { organizationId: viewer.organizationId };
  const sub = state.store.all<Subscription>(KIND.subscription, scope).find((s) => s.checkout_id === id);
  if (sub) return subscription(state, sub.id, viewer);
  const first = state.store.all<Order>(KIND.order, scope).find((o) => o.checkout_id === id);
  if (first) return order(state, first.id, viewer);
  throw notFound("No subscription or order found for this checkout");
}

export const ASSIGN_REFS = "subscription_id, checkout_id, or order_id";
export const LIST_REFS = "subscription_id or order_id";

/**
 * The container the request names (subscription first, then checkout, then order), or 400 naming
 * `expected` when it names none.
 */
export function containerOf(state: EmulatorState, refs: ContainerRefs, viewer: Viewer, expected: string): Container {
  if (refs.subscription_id) return subscription(state, refs.subscription_id, viewer);
  if (refs.checkout_id) return checkout(state, refs.checkout_id, viewer);
  if (refs.order_id) return order(state, refs.order_id, viewer);
  throw polarError(400, "BadRequest", `Either ${expected} must be provided`);
}
