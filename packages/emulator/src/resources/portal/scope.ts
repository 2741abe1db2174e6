// Every Customer Portal lookup goes through here: a customer session sees its own customer's
// objects only; anything else (another customer's id, another organization's) is a 404.
import { authenticate, customerOf, type Subject } from "../../auth";
import type { EmulatorState } from "../../context";
import { notFound, notPermitted, unauthorized } from "../../errors";
import type { Doc } from "../../store";
import { type Customer, KIND, type Organization } from "../commerce/shared";
import { MEMBER, type Member, type MemberRole } from "../members/model";
import { customerOrganization } from "./present";

/**
 * The subject of a portal call. Most portal operations of the spec declare their customer-session
 * security but no `x-polar-allowed-subjects`, so the router leaves them anonymous: the session
 * token is then resolved here, and anything but a customer or member session is refused (401).
 */
export function portalSubject(state: EmulatorState, subject: Subject, request?: Request): Subject {
  if (subject.type !== "Anonymous" || !request) return subject;
  return authenticate(state.db, request.headers.get("authorization") ?? undefined, state.clock.now());
}

/**
 * The live customer behind a customer session, or behind a member session's member (who acts for
 * their customer); a deleted customer's sessions no longer work.
 */
export function sessionCustomer(state: EmulatorState, subject: Subject, request?: Request): Customer {
  const { customerId, organizationId } = customerOf(portalSubject(state, subject, request));
  const customer = state.store.find<Customer>(KIND.customer, customerId);
  if (!customer || customer.deleted_at || customer.organization_id !== organizationId) throw unauthorized();
  return customer;
}

/** The member behind a member session, with their live customer; any other subject is a 401. */
export function sessionMember(
  state: EmulatorState,
  subject: Subject,
  request?: Request,
): { member: Member; customer: Customer } {
  const resolved = portalSubject(state, subject, request);
  if (resolved.type !== "Member") throw unauthorized();
  const customer = sessionCustomer(state, resolved);
  const member = state.store.find<Member>(MEMBER, resolved.memberId);
  if (!member || member.customer_id !== customer.id) throw unauthorized();
  return { member, customer };
}

/** The member roles that may manage billing and the team; a plain `member` may not. */
export const BILLING_ROLES: ReadonlySet<MemberRole> = new Set<MemberRole>(["owner", "billing_manager"]);

/**
 * The session's customer for a billing change. A customer session may always make it; a member
 * session only for an owner or billing manager (403 otherwise), as Polar's union billing check.
 */
export function billingCustomer(state: EmulatorState, subject: Subject, request?: Request): Customer {
  const resolved = portalSubject(state, subject, request);
  if (resolved.type !== "Member") return sessionCustomer(state, resolved);
  const { member, customer } = sessionMember(state, resolved);
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

/** Case-insensitive substring search of the portal's `query` filters. */
export const matchesText = (query: unknown, ...values: (string | null | undefined)[]) =>
  typeof query !== "string" || !query || values.some((v) => v?.toLowerCase().includes(query.toLowerCase()));
