// Who a seat is assigned to: a customer of the organization (found, or created for a new email)
// and the member that stands for them in that customer.
import type { EmulatorState } from "../../context";
import { notFound, polarError } from "../../errors";
import { emitStateChanged } from "../commerce/customer-state";
import { createCustomer, findByEmail, findByExternalId } from "../commerce/customers";
import { type Customer, KIND } from "../commerce/shared";
import { MEMBER, type Member, seatMember } from "./model";

export interface SeatAssignment {
  email?: string | null;
  external_customer_id?: string | null;
  customer_id?: string | null;
  member_id?: string | null;
  external_member_id?: string | null;
  metadata?: Record<string, unknown> | null;
  immediate_claim?: boolean;
}

/** A member of one of the organization's live customers, by id or by external id. */
function organizationMember(
  state: EmulatorState,
  organizationId: string,
  match: (member: Member) => boolean,
): { member: Member; customer: Customer } {
  for (const member of state.store.all<Member>(MEMBER, { organizationId })) {
    if (!match(member)) continue;
    const customer = state.store.find<Customer>(KIND.customer, member.customer_id);
    if (customer && !customer.deleted_at) return { member, customer };
  }
  throw notFound("Member not found");
}

const customerNotFound = (identifier: string) =>
  polarError(404, "CustomerNotFound", `Customer not found: ${identifier}`);

/**
 * Who gets the seat: exactly one of email (the customer is created when the organization has none
 * with it), external customer id, customer id, member id or external member id (which may come
 * with an email). The seat holder gets a member of their own customer, as on Polar.
 */
export function seatHolder(
  state: EmulatorState,
  organizationId: string,
  input: SeatAssignment,
): { customer: Customer; member: Member | null } {
  const given = [input.email, input.external_customer_id, input.customer_id, input.member_id].filter((v) => v != null);
  const externalMemberAlone = input.external_member_id != null && input.email == null;
  if (given.length + (externalMemberAlone ? 1 : 0) !== 1) {
    throw polarError(
      400,
      "InvalidSeatAssignmentRequest",
      "Exactly one of email, external_customer_id, customer_id, member_id or external_member_id must be provided",
    );
  }
  if (input.member_id != null) {
    return organizationMember(state, organizationId, (m) => m.id === input.member_id);
  }
  if (externalMemberAlone) {
    return organizationMember(state, organizationId, (m) => m.external_id === input.external_member_id);
  }
  let customer: Customer | undefined;
  if (input.customer_id != null) {
    customer = state.store.find<Customer>(KIND.customer, input.customer_id);
    if (!customer || customer.organization_id !== organizationId || customer.deleted_at) {
      throw customerNotFound(input.customer_id);
    }
  } else if (input.external_customer_id != null) {
    customer = findByExternalId(state, organizationId, input.external_customer_id);
    if (!customer) throw customerNotFound(input.external_customer_id);
  } else {
    const email = input.email as string;
    customer = findByEmail(state, organizationId, email);
    if (!customer) {
      customer = createCustomer(state, organizationId, { email });
      emitStateChanged(state, customer.id);
    }
  }
  if (!customer.email) return { customer, member: null };
  const member = seatMember(state, customer, {
    email: customer.email,
    name: customer.name,
    external_id: input.external_member_id ?? null,
  });
  return { customer, member };
}
