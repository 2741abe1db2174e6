import { invitationRoutes } from "./members/invitations";
import { memberApiHandlers } from "./members/members-api";
import { portalMemberHandlers } from "./members/portal-members";
import { portalSeatHandlers } from "./members/portal-seats";
import { sweepSeats } from "./members/seats";
import { seatApiHandlers } from "./members/seats-api";
import type { ResourceModule } from "./module";

/**
 * Customer members and customer seats: the Core API, the portal's seat and member operations, the invitation
 * route that stands in for Polar's email, and seats revoked when their subscription ends.
 */
export const members: ResourceModule = {
  handlers: { ...memberApiHandlers, ...seatApiHandlers, ...portalSeatHandlers, ...portalMemberHandlers },
  routes: invitationRoutes,
  sweep: sweepSeats,
};
