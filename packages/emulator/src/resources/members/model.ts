// Members: the people of a customer (team), each with a role. The store keeps them as the API's
// `Member`, scoped to their customer and its organization; every write emits `member.*`.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { build } from "../../defaults";
import { invalid, notFound, notPermitted } from "../../errors";
import { uuid } from "../../ids";
import { type Customer, KIND, type Organization } from "../commerce/shared";

export const MEMBER = "member";

export type Member = Schema<"Member"> & { id: string };
export type MemberRole = Schema<"MemberRole">;

/** The organization's feature switches, as `organizations:update` stored them (null until set). */
function features(state: EmulatorState, organizationId: string): Record<string, unknown> {
  const organization = state.store.find<Organization>(KIND.organization, organizationId);
  return (organization?.feature_settings ?? {}) as Record<string, unknown>;
}

/** The organization switched the member model on (`feature_settings.member_model_enabled`, off by default). */
export const memberModelEnabled = (state: EmulatorState, organizationId: string) =>
  features(state, organizationId).member_model_enabled === true;

/**
 * Seat-based pricing is an organization feature on Polar. The emulator lets every organization sell
 * seat-based products, so it counts the feature as on unless the organization switched it off.
 */
export const seatsEnabled = (state: EmulatorState, organizationId: string) =>
  features(state, organizationId).seat_based_pricing_enabled !== false;

/** Member management needs the member model or seat-based pricing, as on Polar. */
export function assertMembersEnabled(state: EmulatorState, organizationId: string): void {
  if (memberModelEnabled(state, organizationId) || seatsEnabled(state, organizationId)) return;
  throw notPermitted("Member management is not enabled for this organization");
}

const sameEmail = (a: string | null | undefined, b: string | null | undefined) =>
  Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());

/** The customer's members, oldest first. */
export const membersOf = (state: EmulatorState, customerId: string) => state.store.all<Member>(MEMBER, { customerId });

/** The customer's owners (one, as Polar keeps it). */
export const ownersOf = (state: EmulatorState, customerId: string) =>
  membersOf(state, customerId).filter((m) => m.role === "owner");

export const ownerCount = (state: EmulatorState, customerId: string) => ownersOf(state, customerId).length;

/** The member of the customer with that id, or 404. */
export function memberOf(state: EmulatorState, customer: Customer, memberId: string): Member {
  const member = state.store.find<Member>(MEMBER, memberId);
  if (!member || member.customer_id !== customer.id) throw notFound("Member not found");
  return member;
}

/** The member of the customer with that external id, or 404. */
export function externalMemberOf(state: EmulatorState, customer: Customer, externalId: string): Member {
  const member = membersOf(state, customer.id).find((m) => m.external_id === externalId);
  if (!member) throw notFound("Member not found");
  return member;
}

export const memberByEmail = (state: EmulatorState, customerId: string, email: string) =>
  membersOf(state, customerId).find((m) => sameEmail(m.email, email));

interface NewMember {
  email: string;
  name?: string | null;
  external_id?: string | null;
  role?: MemberRole;
}

/** An external id is unique within its customer; `field` is the body field that carried it. */
function assertExternalIdFree(
  state: EmulatorState,
  customerId: string,
  externalId: string | null | undefined,
  field: string,
) {
  if (!externalId || !membersOf(state, customerId).some((m) => m.external_id === externalId)) return;
  throw invalid(
    ["body", field],
    "A member with this external ID already exists for this customer.",
    "value_error",
    externalId,
  );
}

interface InsertOptions {
  /** Emit `member.created`. @default true */
  webhook?: boolean;
  /** The body field an external id came in, for the 422. @default "external_id" */
  externalIdField?: string;
}

/** Stores a new member of the customer and emits `member.created`. */
export function insertMember(
  state: EmulatorState,
  customer: Customer,
  fields: NewMember,
  { webhook = true, externalIdField = "external_id" }: InsertOptions = {},
): Member {
  assertExternalIdFree(state, customer.id, fields.external_id, externalIdField);
  const now = state.clock.iso();
  const member = build("Member", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    customer_id: customer.id,
    email: fields.email.trim(),
    name: fields.name ?? null,
    external_id: fields.external_id ?? null,
    role: fields.role ?? "member",
  }) as Member;
  state.store.insert(MEMBER, member, { organizationId: customer.organization_id, customerId: customer.id });
  if (webhook) state.emit(customer.organization_id, "member.created", member);
  return member;
}

/**
 * The seat holder's member: the customer's member with that email, else a new one (role `member`).
 * Polar creates these without a `member.created` webhook.
 */
export function seatMember(state: EmulatorState, customer: Customer, fields: NewMember): Member {
  const options = { webhook: false, externalIdField: "external_member_id" };
  return memberByEmail(state, customer.id, fields.email) ?? insertMember(state, customer, fields, options);
}

/** Saves a changed member and emits `member.updated`. */
export function saveMember(state: EmulatorState, customer: Customer, member: Member): Member {
  const saved = state.store.put(MEMBER, { ...member, modified_at: state.clock.iso() });
  state.emit(customer.organization_id, "member.updated", saved);
  return saved;
}

/** Removes a member for good and emits `member.deleted` with it as it was. */
export function removeMember(state: EmulatorState, customer: Customer, member: Member): void {
  state.store.remove(MEMBER, member.id);
  state.emit(customer.organization_id, "member.deleted", member);
}
