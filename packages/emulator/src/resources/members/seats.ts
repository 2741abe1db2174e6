// Customer seats of seat-based purchases. A subscription or an order (the seat "container") holds as
// many seats as were bought; assigning one invites a customer (with a member for them), claiming the
// invitation grants the product's benefits, revoking frees the seat for the next assignment.
import { randomBytes } from "node:crypto";
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { invalid, notFound, polarError } from "../../errors";
import { uuid } from "../../ids";
import { emitStateChanged } from "../commerce/customer-state";
import { grantBenefits, grantsOf, revokeGrant } from "../commerce/grants";
import { type Customer, iso, KIND, type Order, type Product, type Subscription } from "../commerce/shared";
import { REVOKED } from "../commerce/subscription-lifecycle";
import { openCustomerSession } from "../portal/sessions";
import { type SeatAssignment, seatHolder } from "./holders";
import { MEMBER, type Member, seatsEnabled } from "./model";

export const SEAT = "customer_seat";
const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;

export type Container = { kind: "subscription"; doc: Subscription } | { kind: "order"; doc: Order };

/** A seat as stored: the API's `CustomerSeat` fields plus what only the emulator may see. */
export interface SeatRecord {
  id: string;
  created_at: string;
  modified_at: string | null;
  subscription_id: string | null;
  order_id: string | null;
  status: Schema<"SeatStatus">;
  customer_id: string | null;
  member_id: string | null;
  invitation_token_expires_at: string | null;
  claimed_at: string | null;
  revoked_at: string | null;
  seat_metadata: Record<string, unknown>;
  organization_id: string;
  /** The purchaser: the customer of the subscription or order. */
  billing_customer_id: string;
  /** Secret: it only travels in the invitation (see the emulator's invitation route). */
  invitation_token: string | null;
  invitations_sent: number;
  [key: string]: unknown;
}

// The API's seat errors: `{error, detail}` with the error class's name.
const notAvailable = (containerId: string, detail = `No available seats for ${containerId}`) =>
  polarError(400, "SeatNotAvailable", detail);
const invalidToken = () => polarError(400, "InvalidInvitationToken", "Invalid or expired invitation token");

/** Refuses every seat operation of an organization that switched seat-based pricing off (403). */
export function assertSeatsEnabled(state: EmulatorState, organizationId: string): void {
  if (!seatsEnabled(state, organizationId)) {
    throw polarError(403, "FeatureNotEnabled", "Seat-based pricing is not enabled for this organization");
  }
}

const containerId = (container: Container) => container.doc.id;
const billingCustomerId = (container: Container) => container.doc.customer_id;
export const totalSeats = (container: Container) => container.doc.seats ?? 0;

export function containerProduct(state: EmulatorState, container: Container): Product | undefined {
  const productId = container.doc.product_id;
  return productId ? state.store.find<Product>(KIND.product, productId) : undefined;
}

/** The subscription or order a seat belongs to (it always has one). */
export function containerOfSeat(state: EmulatorState, seat: SeatRecord): Container {
  if (seat.subscription_id) {
    return { kind: "subscription", doc: state.store.get<Subscription>(KIND.subscription, seat.subscription_id) };
  }
  return { kind: "order", doc: state.store.get<Order>(KIND.order, seat.order_id as string) };
}

/** The container's seats, oldest first. */
export function seatsOf(state: EmulatorState, organizationId: string, container: Container): SeatRecord[] {
  const field = container.kind === "subscription" ? "subscription_id" : "order_id";
  return state.store.all<SeatRecord>(SEAT, { organizationId }).filter((seat) => seat[field] === containerId(container));
}

/** An ended subscription keeps no seats: they count as taken by nobody and none can be assigned. */
const isEnded = (container: Container) =>
  container.kind === "subscription" && REVOKED.includes(container.doc.status as never);

/** How many seats of the container are free, given its seats (`seatsOf`). */
function freeSeats(container: Container, seats: SeatRecord[]): number {
  if (isEnded(container)) return 0;
  const taken = seats.filter((seat) => seat.status !== "revoked").length;
  return Math.max(0, totalSeats(container) - taken);
}

export const availableSeats = (state: EmulatorState, organizationId: string, container: Container) =>
  freeSeats(container, seatsOf(state, organizationId, container));

/** The customer the seat is assigned to, if any. */
export const holderOfSeat = (state: EmulatorState, seat: SeatRecord) =>
  seat.customer_id ? state.store.find<Customer>(KIND.customer, seat.customer_id) : undefined;

/** The seat's member as it is now, or null. */
const memberOfSeat = (state: EmulatorState, seat: SeatRecord) =>
  seat.member_id ? (state.store.find<Member>(MEMBER, seat.member_id) ?? null) : null;

/** The grant scope of the seat's purchase: its subscription, else its order. */
const purchaseScope = (seat: SeatRecord) =>
  seat.subscription_id ? { subscriptionId: seat.subscription_id } : { orderId: seat.order_id as string };

/** A stored seat as the API returns it (`CustomerSeat`), with its member as it is now. */
export function presentSeat(state: EmulatorState, seat: SeatRecord): Schema<"CustomerSeat"> {
  const member = memberOfSeat(state, seat);
  const holder = holderOfSeat(state, seat);
  return {
    created_at: seat.created_at,
    modified_at: seat.modified_at,
    id: seat.id,
    subscription_id: seat.subscription_id,
    order_id: seat.order_id,
    status: seat.status,
    customer_id: seat.customer_id,
    member_id: seat.member_id,
    member,
    // Set by Polar only under the member model, which the emulator does not model.
    email: null,
    customer_email: holder?.email ?? null,
    invitation_token_expires_at: seat.invitation_token_expires_at,
    claimed_at: seat.claimed_at,
    revoked_at: seat.revoked_at,
    seat_metadata: seat.seat_metadata,
  };
}

/** Saves a seat; the store's customer column stays the purchaser's, so portal lookups find it. */
function saveSeat(state: EmulatorState, seat: SeatRecord): SeatRecord {
  const saved = { ...seat, modified_at: state.clock.iso() };
  state.store.put(SEAT, saved, { customerId: saved.billing_customer_id });
  return saved;
}

const emitSeat = (state: EmulatorState, type: string, seat: SeatRecord) =>
  state.emit(seat.organization_id, `customer_seat.${type}`, presentSeat(state, seat));

/** The seat's `metadata`: at most 10 keys and 1 KB, as the API documents. */
function seatMetadata(metadata: Record<string, unknown> | null | undefined): Record<string, unknown> {
  const value = metadata ?? {};
  if (Object.keys(value).length > 10) {
    throw invalid(["body", "metadata"], "Metadata can have at most 10 keys.", "value_error", value);
  }
  if (JSON.stringify(value).length > 1024) {
    throw invalid(["body", "metadata"], "Metadata must be at most 1KB.", "value_error", value);
  }
  return { ...value };
}

/** Grants the product's benefits to the seat holder, the grants naming the seat's member. */
function grantSeat(state: EmulatorState, seat: SeatRecord, product: Product): void {
  const holder = holderOfSeat(state, seat);
  if (!holder) return;
  const member = memberOfSeat(state, seat);
  for (const grant of grantBenefits(state, holder, product, purchaseScope(seat))) {
    if (member) state.store.put(KIND.grant, { ...grant, member_id: member.id, member });
  }
  emitStateChanged(state, holder.id);
}

/**
 * Revokes the holder's grants of the seat's subscription or order. A purchaser holding a seat of
 * their own purchase keeps the grants the purchase gave them.
 */
function revokeSeatGrants(state: EmulatorState, seat: SeatRecord, holderId: string): void {
  if (holderId === seat.billing_customer_id) return;
  for (const grant of grantsOf(state, holderId, purchaseScope(seat))) {
    if (grant.is_granted) revokeGrant(state, grant);
  }
  emitStateChanged(state, holderId);
}

const newToken = () => randomBytes(32).toString("base64url");

/**
 * Assigns a seat of the container: refused (400) when every bought seat is taken, when the holder
 * already has one, or when an order is not paid yet. A revoked seat is reused before a new one is
 * made. Emits `customer_seat.assigned` (an invitation is sent), or `customer_seat.claimed` with
 * `immediate_claim`.
 */
export function assignSeat(
  state: EmulatorState,
  organizationId: string,
  container: Container,
  input: SeatAssignment,
): SeatRecord {
  const id = containerId(container);
  const product = containerProduct(state, container);
  if (!product) throw notAvailable(id, "Container has no associated product");
  assertSeatsEnabled(state, organizationId);
  if (container.kind === "order" && ["pending", "draft"].includes(container.doc.status)) {
    throw notAvailable(id, "Order must be paid before assigning seats");
  }
  const metadata = seatMetadata(input.metadata);
  const seats = seatsOf(state, organizationId, container);
  if (freeSeats(container, seats) <= 0) throw notAvailable(id);
  const { customer, member } = seatHolder(state, organizationId, input);
  if (seats.some((seat) => seat.customer_id === customer.id && seat.status !== "revoked")) {
    const identifier = input.email ?? input.external_customer_id ?? input.customer_id ?? customer.id;
    throw polarError(400, "SeatAlreadyAssigned", `Seat already assigned to customer ${identifier}`);
  }
  const now = state.clock.now();
  const immediate = input.immediate_claim === true;
  const fields = {
    status: immediate ? "claimed" : "pending",
    customer_id: customer.id,
    member_id: member?.id ?? null,
    invitation_token: immediate ? null : newToken(),
    invitation_token_expires_at: immediate ? null : iso(new Date(now.getTime() + INVITATION_TTL_MS)),
    invitations_sent: immediate ? 0 : 1,
    claimed_at: immediate ? iso(now) : null,
    revoked_at: null,
    seat_metadata: metadata,
  } as const;
  const reusable = seats.find((seat) => seat.status === "revoked");
  const seat = reusable
    ? saveSeat(state, { ...reusable, ...fields })
    : state.store.insert<SeatRecord>(
        SEAT,
        {
          id: uuid(),
          created_at: iso(now),
          modified_at: null,
          subscription_id: container.kind === "subscription" ? id : null,
          order_id: container.kind === "order" ? id : null,
          organization_id: organizationId,
          billing_customer_id: billingCustomerId(container),
          ...fields,
        },
        { organizationId, customerId: billingCustomerId(container) },
      );
  if (immediate) {
    grantSeat(state, seat, product);
    emitSeat(state, "claimed", seat);
  } else {
    emitSeat(state, "assigned", seat);
  }
  return seat;
}

/** The pending seat an invitation token opens, or undefined (unknown, used, revoked or expired). */
export function seatOfToken(state: EmulatorState, token: string): SeatRecord | undefined {
  if (!token) return undefined;
  const seat = state.store.all<SeatRecord>(SEAT).find((s) => s.invitation_token === token);
  if (seat?.status !== "pending") return undefined;
  if (seat.invitation_token_expires_at && new Date(seat.invitation_token_expires_at) < state.clock.now()) {
    return undefined;
  }
  return seat;
}

/**
 * Claims a seat with its invitation token (single use: the token is gone afterwards). Grants the
 * product's benefits to the holder and opens a customer session for them.
 */
export function claimSeat(state: EmulatorState, token: string): { seat: SeatRecord; sessionToken: string } {
  const pending = seatOfToken(state, token);
  if (!pending) throw invalidToken();
  assertSeatsEnabled(state, pending.organization_id);
  const container = containerOfSeat(state, pending);
  const product = containerProduct(state, container);
  const holder = holderOfSeat(state, pending);
  if (!product || !holder || holder.deleted_at) throw invalidToken();
  const seat = saveSeat(state, {
    ...pending,
    status: "claimed",
    claimed_at: state.clock.iso(),
    invitation_token: null,
  });
  grantSeat(state, seat, product);
  const session = openCustomerSession(state, holder);
  emitSeat(state, "claimed", seat);
  return { seat, sessionToken: session.token as string };
}

/** Revokes a seat: the holder loses the benefits, the seat is free again. `customer_seat.revoked`. */
export function revokeSeat(state: EmulatorState, seat: SeatRecord): SeatRecord {
  if (seat.status === "revoked") return seat;
  const holderId = seat.customer_id;
  if (holderId) revokeSeatGrants(state, seat, holderId);
  const revoked = saveSeat(state, {
    ...seat,
    status: "revoked",
    revoked_at: state.clock.iso(),
    customer_id: null,
    invitation_token: null,
  });
  emitSeat(state, "revoked", revoked);
  return revoked;
}

/** Sends the invitation again; only a pending seat has one (400 `SeatNotPending` otherwise). */
export function resendInvitation(state: EmulatorState, seat: SeatRecord): SeatRecord {
  if (seat.status !== "pending") throw polarError(400, "SeatNotPending", "Seat is not in pending status");
  if (!seat.invitation_token) throw invalidToken();
  return saveSeat(state, { ...seat, invitations_sent: seat.invitations_sent + 1 });
}

/** The seats a deleted member held are revoked first. */
export function revokeSeatsOfMember(state: EmulatorState, member: Member): void {
  const customer = state.store.find<Customer>(KIND.customer, member.customer_id);
  if (!customer) return;
  for (const seat of state.store.all<SeatRecord>(SEAT, { organizationId: customer.organization_id })) {
    if (seat.member_id === member.id && seat.status !== "revoked") revokeSeat(state, seat);
  }
}

/** A seat of the organization by id, or 404 (another organization's seat is a 404 too). */
export function organizationSeat(state: EmulatorState, organizationId: string, seatId: string): SeatRecord {
  const seat = state.store.find<SeatRecord>(SEAT, seatId);
  if (!seat || seat.organization_id !== organizationId) throw notFound("Seat not found");
  return seat;
}

/** When a subscription ends its seats are revoked, as Polar does on cancellation. */
export function sweepSeats(state: EmulatorState): void {
  for (const seat of state.store.all<SeatRecord>(SEAT)) {
    if (seat.status === "revoked" || !seat.subscription_id) continue;
    const subscription = state.store.find<Subscription>(KIND.subscription, seat.subscription_id);
    if (subscription && REVOKED.includes(subscription.status as never)) revokeSeat(state, seat);
  }
}

/** The claimed seats a customer holds (in other customers' purchases too). */
export const claimedSeatsOf = (state: EmulatorState, customerId: string, organizationId: string) =>
  state.store
    .all<SeatRecord>(SEAT, { organizationId })
    .filter((seat) => seat.customer_id === customerId && seat.status === "claimed");
