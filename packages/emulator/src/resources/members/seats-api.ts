// Core API customer seats (`/v1/customer-seats...`): the organization assigns, lists, revokes and
// re-invites; the invitee reads and claims their invitation without authentication.
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import { KIND, type Organization } from "../commerce/shared";
import { ASSIGN_REFS, containerOf, LIST_REFS, type Viewer } from "./containers";
import type { SeatAssignment } from "./holders";
import {
  assertSeatsEnabled,
  assignSeat,
  availableSeats,
  type Container,
  claimSeat,
  containerOfSeat,
  containerProduct,
  organizationSeat,
  presentSeat,
  resendInvitation,
  revokeSeat,
  seatOfToken,
  seatsOf,
  totalSeats,
} from "./seats";

/** The container's seats with how many are bought and how many are still free (`SeatsList`). */
export function seatsList(state: EmulatorState, organizationId: string, container: Container) {
  assertSeatsEnabled(state, organizationId);
  return {
    seats: seatsOf(state, organizationId, container).map((seat) => presentSeat(state, seat)),
    available_seats: availableSeats(state, organizationId, container),
    total_seats: totalSeats(container),
  };
}

/** Assigns a seat of the container the body names, as `viewer` sees containers. */
export function assignFor(
  state: EmulatorState,
  viewer: Viewer,
  body: SeatAssignment & { subscription_id?: string | null; order_id?: string | null; checkout_id?: string | null },
) {
  const container = containerOf(state, body, viewer, ASSIGN_REFS);
  return presentSeat(state, assignSeat(state, viewer.organizationId, container, body));
}

export const seatApiHandlers: OperationHandlers = {
  "customer-seats:assign_seat": ({ state, subject, body }) =>
    assignFor(state, { organizationId: organizationOf(subject) }, body),
  "customer-seats:list_seats": ({ state, subject, query }) => {
    const viewer = { organizationId: organizationOf(subject) };
    return seatsList(state, viewer.organizationId, containerOf(state, query, viewer, LIST_REFS));
  },
  "customer-seats:revoke_seat": ({ state, subject, params }) => {
    const seat = organizationSeat(state, organizationOf(subject), params.seat_id as string);
    assertSeatsEnabled(state, seat.organization_id);
    return presentSeat(state, revokeSeat(state, seat));
  },
  "customer-seats:resend_invitation": ({ state, subject, params }) => {
    const seat = organizationSeat(state, organizationOf(subject), params.seat_id as string);
    assertSeatsEnabled(state, seat.organization_id);
    return presentSeat(state, resendInvitation(state, seat));
  },
  // Public: the invitee's claim page reads this; it changes nothing.
  "customer-seats:get_claim_info": ({ state, params }) => {
    const seat = seatOfToken(state, params.invitation_token as string);
    if (!seat) throw notFound("Invalid or expired invitation token");
    assertSeatsEnabled(state, seat.organization_id);
    const product = containerProduct(state, containerOfSeat(state, seat));
    const organization = state.store.find<Organization>(KIND.organization, seat.organization_id);
    if (!product || !organization) throw notFound("Seat has no subscription or order");
    return {
      product_name: product.name,
      product_id: product.id,
      organization_name: organization.name,
      organization_slug: organization.slug,
      customer_email: presentSeat(state, seat).customer_email ?? "",
      can_claim: seat.status === "pending",
    };
  },
  "customer-seats:claim_seat": ({ state, body }) => {
    const { seat, sessionToken } = claimSeat(state, body.invitation_token);
    return { seat: presentSeat(state, seat), customer_session_token: sessionToken };
  },
};
