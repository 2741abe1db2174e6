// Every Customer Portal lookup goes through here: a customer session sees its own customer's
// objects only; anything else (another customer's id, another organization's) is a 404.
import { customerOf, type Subject } from "../../auth";
import type { EmulatorState } from "../../context";
import { notFound, notPermitted, unauthorized } from "../../errors";
import type { Doc } from "../../store";
import { containsText } from "../catalog/shared";
import { type Customer, KIND, type Organization } from "../commerce/shared";
import { MEMBER, type Member, type MemberRole } from "../members/model";
import { customerOrganization } from "./present";

/**
 * The live customer behind a customer session, or behind a member session's member (who acts for
 * their customer); a deleted customer's sessions no longer work.
 */
export function sessionCustomer(state: EmulatorState, subject: Subject): Customer {
  const { customerId, organizationId } = customerOf(subject);
  const customer = state.store.find<Customer>(KIND.customer, customerId);
  if (!customer || customer.deleted_at || customer.organization_id !== organizationId) throw unauthorized();
  return customer;
}

/** The member behind a member session, with their live customer; any other subject is a 401. */
export function sessionMember(state: EmulatorState, subject: Subject): { member: Member; customer: Customer } {
  if (subject.type !== "Member") throw unauthorized();
  const customer = sessionCustomer(state, subject);
  const member = state.store.find<Member>(MEMBER, subject.memberId);
  if (!member || member.customer_id !== customer.id) throw unauthorized();
  return { member, customer };
}

/** The member roles that may manage billing and the team; a plain `member` may not. */
export const BILLING_ROLES: ReadonlySet<MemberRole> = new Set<MemberRole>(["owner", "billing_manager"]);

/**
 * The session's customer for a billing change. A customer session may always make it; a member
 * session only for an owner or billing manager (403 otherwise), as Polar's union billing check.
 */
export function billingCustomer(state: EmulatorState, subject: Subject): Customer {
  if (subject.type !== "Member") return sessionCustomer(state, subject);
  const { member, customer } = sessionMember(state, subject);
  if (!BILLING_ROLES.has(member.role)) {
    throw notPermitted("Only owners and billing managers can access billing features.");
  }
  return customer;
}

/** The customer's own object of `kind`, or the API's 404. */
export function ownedBy<T extends Doc>(state: EmulatorState, kind: string, id: string, customer: Customer): T {
  const doc = state.store.find<T>(kind, id);
  if (!doc || doc.customer_id !== customer.id) throw notFound();
  return doc;
}

/** The customer's organization as portal objects embed it. */
export function organizationOfCustomer(state: EmulatorState, customer: Customer) {
  const organization = state.store.find<Organization>(KIND.organization, customer.organization_id);
  return customerOrganization(organization, state.clock.iso());
}

/** The portal's `query` filters: any of the values contains it; an empty query matches everything. */
export const matchesText = (query: unknown, ...values: unknown[]) =>
  !query || values.some((value) => containsText(value, query));
