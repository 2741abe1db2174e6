// Which member a new portal session is for. With the organization's member model on, Polar's
// `POST /v1/customer-sessions/` issues member sessions: for the member the request names, else
// for an individual customer's owner (created when missing); a team customer must name one.
import type { EmulatorState } from "../../context";
import { invalid } from "../../errors";
import type { Customer } from "../commerce/shared";
import { insertMember, type Member, memberByEmail, membersOf } from "./model";

export interface MemberChoice {
  member_id?: string | null;
  external_member_id?: string | null;
}

const unknownMember = (field: string, input: unknown) =>
  invalid(["body", field], "Member does not exist for this customer.", "value_error", input);

/** The owner of an individual customer, made from the customer's own email and name when it has none yet. */
function ownerOf(state: EmulatorState, customer: Customer): Member {
  const members = membersOf(state, customer.id);
  const owner = members.find((m) => m.role === "owner");
  if (owner) return owner;
  if (!customer.email || memberByEmail(state, customer.id, customer.email)) {
    throw invalid(["body", "customer_id"], "No owner member found for this customer.", "value_error", customer.id);
  }
  return insertMember(state, customer, { email: customer.email, name: customer.name ?? null, role: "owner" });
}

/** The member of `customer` a session is opened for; another customer's member is unknown here (422). */
export function sessionMemberFor(state: EmulatorState, customer: Customer, choice: MemberChoice): Member {
  const members = membersOf(state, customer.id);
  if (choice.member_id != null) {
    const member = members.find((m) => m.id === choice.member_id);
    if (!member) throw unknownMember("member_id", choice.member_id);
    return member;
  }
  if (choice.external_member_id != null) {
    const member = members.find((m) => m.external_id === choice.external_member_id);
    if (!member) throw unknownMember("external_member_id", choice.external_member_id);
    return member;
  }
  if (customer.type === "team") {
    throw invalid(["body", "member_id"], "member_id is required for team customers.", "value_error", null);
  }
  return ownerOf(state, customer);
}
