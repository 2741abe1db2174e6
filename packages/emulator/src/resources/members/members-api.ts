// Core API members: `/v1/members/` and `/v1/customers/{id|external/{external_id}}/members/...`.
import type { Schema } from "@polar-kit/core";
import { organizationOf, type Subject } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { invalid, notPermitted } from "../../errors";
import { paginate, sortBy } from "../../pagination";
import { getCustomer, getExternalCustomer } from "../commerce/customers";
import { type Customer, KIND } from "../commerce/shared";
import {
  assertMembersEnabled,
  externalMemberOf,
  insertMember,
  MEMBER,
  type Member,
  memberByEmail,
  memberOf,
  membersOf,
  ownerCount,
  ownersOf,
  removeMember,
  saveMember,
} from "./model";
import { revokeSeatsOfMember } from "./seats";

type MemberUpdate = Schema<"MemberUpdate">;

/** Adds a member to a customer: an individual customer has one member at most; an email already there returns that member. */
function createMember(state: EmulatorState, customer: Customer, body: Schema<"MemberCreateFromCustomer">): Member {
  assertMembersEnabled(state, customer.organization_id);
  const members = membersOf(state, customer.id);
  const existing = memberByEmail(state, customer.id, body.email);
  if (existing) return existing;
  if (customer.type !== "team" && members.length >= 1) {
    throw notPermitted(
      "Individual customers can only have one member (the owner). Upgrade to a team customer to add more members.",
    );
  }
  return insertMember(state, customer, {
    email: body.email,
    name: body.name ?? null,
    external_id: body.external_id ?? null,
    role: body.role ?? "member",
  });
}

/**
 * Applies a `MemberUpdate` (null fields are left as they are). Through the Core API ownership can be
 * transferred: the current owner becomes a billing manager. A customer always keeps one owner.
 */
function updateMember(state: EmulatorState, customer: Customer, member: Member, body: MemberUpdate): Member {
  const next = { ...member };
  if (body.name != null) next.name = body.name;
  if (body.email != null && body.email.trim().toLowerCase() !== member.email.toLowerCase()) {
    const taken = memberByEmail(state, customer.id, body.email);
    if (taken) {
      throw invalid(
        ["body", "email"],
        "A member with this email already exists for this customer.",
        "value_error",
        body.email,
      );
    }
    next.email = body.email.trim();
  }
  if (body.role != null && body.role !== member.role) {
    const owners = ownersOf(state, customer.id);
    if (member.role === "owner" && owners.length <= 1) {
      const msg = "Cannot change role. Customer must have exactly one owner.";
      throw invalid(["body", "role"], msg, "value_error", body.role);
    }
    if (body.role === "owner") {
      // The demoted owner changes without a webhook of its own, as on Polar.
      for (const owner of owners) {
        state.store.put(MEMBER, { ...owner, role: "billing_manager", modified_at: state.clock.iso() });
      }
    }
    next.role = body.role;
  }
  const changed = next.name !== member.name || next.email !== member.email || next.role !== member.role;
  return changed ? saveMember(state, customer, next) : member;
}

/** Deletes a member (never the only owner): its seats are revoked first. */
function deleteMember(state: EmulatorState, customer: Customer, member: Member): Reply {
  if (member.role === "owner" && ownerCount(state, customer.id) <= 1) {
    throw invalid(["body"], "Cannot delete the only owner. Transfer ownership first.", "value_error", member.id);
  }
  revokeSeatsOfMember(state, member);
  removeMember(state, customer, member);
  return new Reply(204);
}

const byId = (state: EmulatorState, subject: Subject, id: string) => getCustomer(state, organizationOf(subject), id);
const byExternalId = (state: EmulatorState, subject: Subject, externalId: string) =>
  getExternalCustomer(state, organizationOf(subject), externalId);

export const memberApiHandlers: OperationHandlers = {
  "members:list_members": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const customers = new Map(
      state.store
        .all<Customer>(KIND.customer, { organizationId })
        .filter((c) => !c.deleted_at)
        .map((c) => [c.id, c]),
    );
    const items = state.store.all<Member>(MEMBER, { organizationId }).filter((member) => {
      const customer = customers.get(member.customer_id);
      return (
        customer !== undefined &&
        (query.customer_id == null || member.customer_id === query.customer_id) &&
        (query.external_customer_id == null || customer.external_id === query.external_customer_id) &&
        (query.role == null || member.role === query.role)
      );
    });
    return paginate(sortBy(items, query.sorting, ["-created_at"]), query);
  },
  // 201 even when the email was already a member's: the API hands back that member.
  "customers:members:create": ({ state, subject, params, body }) =>
    createMember(state, byId(state, subject, params.id as string), body),
  "customers:members:create_external": ({ state, subject, params, body }) =>
    createMember(state, byExternalId(state, subject, params.external_id as string), body),
  "customers:members:get": ({ state, subject, params }) =>
    memberOf(state, byId(state, subject, params.id as string), params.member_id as string),
  "customers:members:get_external": ({ state, subject, params }) =>
    externalMemberOf(
      state,
      byExternalId(state, subject, params.external_id as string),
      params.member_external_id as string,
    ),
  "customers:members:update": ({ state, subject, params, body }) => {
    const customer = byId(state, subject, params.id as string);
    return updateMember(state, customer, memberOf(state, customer, params.member_id as string), body);
  },
  "customers:members:update_external": ({ state, subject, params, body }) => {
    const customer = byExternalId(state, subject, params.external_id as string);
    const member = externalMemberOf(state, customer, params.member_external_id as string);
    return updateMember(state, customer, member, body);
  },
  "customers:members:delete": ({ state, subject, params }) => {
    const customer = byId(state, subject, params.id as string);
    return deleteMember(state, customer, memberOf(state, customer, params.member_id as string));
  },
  "customers:members:delete_external": ({ state, subject, params }) => {
    const customer = byExternalId(state, subject, params.external_id as string);
    return deleteMember(state, customer, externalMemberOf(state, customer, params.member_external_id as string));
  },
};
