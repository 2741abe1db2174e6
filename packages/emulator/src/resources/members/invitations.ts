import type { Hono } from "hono";
import type { EmulatorState } from "../../context";
import { holderOfSeat, SEAT, type SeatRecord } from "./seats";

/**
 * `GET /__emulator/customer-seats/{seat_id}/invitation`: the invitation Polar would email to the
 * seat holder, token included, so tests and local apps can follow the claim flow. Only a pending
 * seat has one; anything else is a 404.
 */
export function invitationRoutes(app: Hono, state: EmulatorState): void {
  app.get("/__emulator/customer-seats/:seatId/invitation", (c) => {
    const seat = state.store.find<SeatRecord>(SEAT, c.req.param("seatId"));
    if (seat?.status !== "pending" || !seat.invitation_token) {
      return c.json({ error: "ResourceNotFound", detail: "No pending invitation for this seat" }, 404);
    }
    const holder = holderOfSeat(state, seat);
    return c.json({
      seat_id: seat.id,
      email: holder?.email ?? null,
      invitation_token: seat.invitation_token,
      expires_at: seat.invitation_token_expires_at,
      sent_count: seat.invitations_sent,
    });
  });
}
