// Customer Portal seats: the session's customer manages the seats of their own purchases and lists
// the subscriptions they hold a claimed seat of. Other customers' seats and purchases are 404s.
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound, notPermitted } from "../../errors";
import { paginate } from "../../pagination";
import type { Customer, Subscription } from "../commerce/shared";
import { KIND } from "../commerce/shared";
import { present } from "../commerce/subscription-lifecycle";
import { billingCustomer, sessionCustomer } from "../portal/scope";
import { presentSubscription } from "../portal/subscriptions";
import { containerOf, LIST_REFS, type Viewer } from "./containers";
import {
  assertSeatsEnabled,
  claimedSeatsOf,
  presentSeat,
  resendInvitation,
  revokeSeat,
  SEAT,
  type SeatRecord,
} from "./seats";
import { assignFor, seatsList } from "./seats-api";

const viewerOf = (customer: Customer): Viewer => ({
  organizationId: customer.organization_id,
  customerId: customer.id,
});

/** A seat of one of the customer's own purchases, or 404. */
function ownSeat(state: EmulatorState, customer: Customer, seatId: string): SeatRecord {
  const seat = state.store.find<SeatRecord>(SEAT, seatId);
  if (!seat || seat.billing_customer_id !== customer.id || seat.organization_id !== customer.organization_id) {
    throw notFound("Seat not found");
  }
  assertSeatsEnabled(state, seat.organization_id);
  return seat;
}

export const portalSeatHandlers: OperationHandlers = {
  "customer_portal:seats:list_seats": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    return seatsList(state, customer.organization_id, containerOf(state, query, viewerOf(customer), LIST_REFS));
  },
  "customer_portal:seats:assign_seat": ({ state, subject, body }) => {
    const customer = billingCustomer(state, subject);
    // Claiming on someone's behalf skips their consent: Polar keeps it to the Core API.
    if (body.immediate_claim) throw notPermitted("immediate_claim is only available through the Core API.");
    return assignFor(state, viewerOf(customer), body);
  },
  "customer_portal:seats:revoke_seat": ({ state, subject, params }) => {
    const customer = billingCustomer(state, subject);
    return presentSeat(state, revokeSeat(state, ownSeat(state, customer, params.seat_id as string)));
  },
  "customer_portal:seats:resend_invitation": ({ state, subject, params }) => {
    const customer = billingCustomer(state, subject);
    return presentSeat(state, resendInvitation(state, ownSeat(state, customer, params.seat_id as string)));
  },
  "customer_portal:seats:list_claimed_subscriptions": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    const ids = new Set(
      claimedSeatsOf(state, customer.id, customer.organization_id).map((seat) => seat.subscription_id),
    );
    const subscriptions = [...ids]
      .map((id) => (id ? state.store.find<Subscription>(KIND.subscription, id) : undefined))
      .filter((s): s is Subscription => s !== undefined)
      .map((s) => presentSubscription(state, customer, present(state, s)));
    return paginate(subscriptions, query);
  },
};
