// Customer Portal members: a member session of an owner or billing manager manages the team of
// their own (team) customer. Polar's rules: nobody is added as owner, nobody changes their own role
// or removes themselves, and the team always keeps its one owner. Changes emit `member.*` as the
// Core API does.
import type { Schema } from "@polar-kit/core";
import type { Subject } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { invalid, notPermitted } from "../../errors";
import { paginate } from "../../pagination";
import type { Customer } from "../commerce/shared";
import { presentAs } from "../portal/present";
import { BILLING_ROLES, sessionMember } from "../portal/scope";
import {
  insertMember,
  type Member,
  memberByEmail,
  memberOf,
  membersOf,
  ownerCount,
  removeMember,
  saveMember,
} from "./model";
import { revokeSeatsOfMember } from "./seats";

type MemberCreate = Schema<"CustomerPortalMemberCreate">;
type MemberUpdate = Schema<"CustomerPortalMemberUpdate">;

/** The acting member and their customer, once they may manage the team (403 otherwise). */
function teamManager(state: EmulatorState, subject: Subject): { actor: Member; customer: Customer } {
  const { member: actor, customer } = sessionMember(state, subject);
  if (!BILLING_ROLES.has(actor.role)) throw notPermitted("Insufficient role for this operation");
  if (customer.type !== "team") {
    throw notPermitted(
      "Member management is only available for team customers. Purchase a seat-based product to enable team features.",
    );
  }
  return { actor, customer };
}

const present = (state: EmulatorState, member: Member) => presentAs("CustomerPortalMember", member, state.clock.iso());

/** A member of the team other than the actor; changing or removing oneself is refused (422 on the path id). */
function otherMember(state: EmulatorState, customer: Customer, actor: Member, id: string, msg: string): Member {
  const member = memberOf(state, customer, id);
  if (member.id === actor.id) throw invalid(["path", "id"], msg, "value_error", id);
  return member;
}

/** Adds a member (never an owner); an email already in the team returns that member unchanged. */
function addMember(state: EmulatorState, customer: Customer, body: MemberCreate): Member {
  const role = body.role ?? "member";
  if (role === "owner") {
    throw invalid(
      ["body", "role"],
      "Cannot add a member as owner. There must be exactly one owner.",
      "value_error",
      role,
    );
  }
  return (
    memberByEmail(state, customer.id, body.email) ??
    insertMember(state, customer, { email: body.email, name: body.name ?? null, role })
  );
}

/** Renames a member or changes their role; the team keeps exactly one owner (no transfer from the portal). */
function updateMember(state: EmulatorState, customer: Customer, actor: Member, id: string, body: MemberUpdate) {
  const member =
    body.role == null
      ? memberOf(state, customer, id)
      : otherMember(state, customer, actor, id, "You cannot modify your own role.");
  const next = { ...member };
  if (body.name != null) next.name = body.name;
  if (body.role != null && body.role !== member.role) {
    if (member.role === "owner" && ownerCount(state, customer.id) <= 1) {
      const msg = "Cannot demote the only owner. The team must have at least one owner.";
      throw invalid(["body", "role"], msg, "value_error", body.role);
    }
    if (body.role === "owner" && ownerCount(state, customer.id) >= 1) {
      const msg = "Cannot have multiple owners. Demote the current owner first.";
      throw invalid(["body", "role"], msg, "value_error", body.role);
    }
    next.role = body.role;
  }
  const changed = next.name !== member.name || next.role !== member.role;
  return changed ? saveMember(state, customer, next) : member;
}

/** Removes another member (never the only owner); the seats they hold are revoked first, as on the Core API. */
function deleteMember(state: EmulatorState, customer: Customer, actor: Member, id: string): Reply {
  const member = otherMember(state, customer, actor, id, "You cannot remove yourself from the team.");
  if (member.role === "owner" && ownerCount(state, customer.id) <= 1) {
    throw invalid(["path", "id"], "Cannot remove the only owner. Transfer ownership first.", "value_error", id);
  }
  revokeSeatsOfMember(state, member);
  removeMember(state, customer, member);
  return new Reply(204);
}

export const portalMemberHandlers: OperationHandlers = {
  "customer_portal:members:list_members": ({ state, subject, query }) => {
    const { customer } = teamManager(state, subject);
    const page = paginate(membersOf(state, customer.id), query);
    return { ...page, items: page.items.map((member) => present(state, member)) };
  },
  // 201 even when the email was already a member's, as on Polar.
  "customer_portal:members:add_member": ({ state, subject, body }) => {
    const { customer } = teamManager(state, subject);
    return present(state, addMember(state, customer, body));
  },
  "customer_portal:members:update_member": ({ state, subject, params, body }) => {
    const { actor, customer } = teamManager(state, subject);
    return present(state, updateMember(state, customer, actor, params.id as string, body ?? {}));
  },
  "customer_portal:members:remove_member": ({ state, subject, params }) => {
    const { actor, customer } = teamManager(state, subject);
    return deleteMember(state, customer, actor, params.id as string);
  },
};
