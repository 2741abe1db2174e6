import { organizationOf, saveToken } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { invalid } from "../../errors";
import { secret, uuid } from "../../ids";
import type { Doc } from "../../store";
import type { Customer } from "../commerce/shared";
import type { Member } from "../members/model";
import { memberModelEnabled } from "../members/model";
import { type MemberChoice, sessionMemberFor } from "../members/session-member";

export const CUSTOMER_SESSION = "customer_session";
const SESSION_TTL_MS = 60 * 60 * 1000;

function findCustomer(all: Customer[], body: { customer_id?: string | null; external_customer_id?: string | null }) {
  const match = body.customer_id
    ? all.find((c) => c.id === body.customer_id)
    : all.find((c) => c.external_id === body.external_customer_id);
  return match && !match.deleted_at ? match : undefined;
}

/** Stores a session token of the customer (or of one of its members) and its `CustomerSession`. */
function openSession(
  state: EmulatorState,
  customer: Doc & { organization_id: string },
  holder: { prefix: string; subject: "Customer" | "Member"; subjectId: string },
  returnUrl: string | null,
): Doc {
  const organizationId = customer.organization_id;
  const now = state.clock.now();
  const token = secret(holder.prefix);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString().replace("Z", "+00:00");
  saveToken(state.db, {
    token,
    subject: holder.subject,
    subject_id: holder.subjectId,
    organization_id: organizationId,
    scopes: "customer_portal:read customer_portal:write",
    expires_at: expiresAt,
  });
  const session = build("CustomerSession", state.clock.iso(), {
    id: uuid(),
    created_at: state.clock.iso(),
    modified_at: null,
    token,
    expires_at: expiresAt,
    return_url: returnUrl,
    customer_portal_url: `${state.publicUrl()}/portal?customer_session_token=${token}`,
    customer_id: customer.id,
    customer,
  });
  return state.store.insert(CUSTOMER_SESSION, session as Doc, { organizationId, customerId: customer.id });
}

/** Opens a customer session (a one-hour `polar_cst_` token) for a live customer: stored and returned as `CustomerSession`. */
export function openCustomerSession(
  state: EmulatorState,
  customer: Doc & { organization_id: string },
  returnUrl: string | null = null,
): Doc {
  return openSession(state, customer, { prefix: "polar_cst_", subject: "Customer", subjectId: customer.id }, returnUrl);
}

/**
 * Opens a member session (a one-hour `polar_mst_` token) for one member of the customer. Polar
 * answers it in the same `CustomerSession` shape, for the member's customer.
 */
function openMemberSession(
  state: EmulatorState,
  customer: Customer,
  member: Member,
  returnUrl: string | null = null,
): Doc {
  return openSession(state, customer, { prefix: "polar_mst_", subject: "Member", subjectId: member.id }, returnUrl);
}

export const sessionHandlers: OperationHandlers = {
  // A customer session is a one-hour `polar_cst_` token for the Customer Portal API and page. With
  // the member model on, Polar issues a member session (`polar_mst_`) instead, and only then reads
  // `member_id` / `external_member_id`.
  "customer-sessions:create": ({ state, subject, body }) => {
    const organizationId = organizationOf(subject);
    const request = body as MemberChoice & {
      customer_id?: string | null;
      external_customer_id?: string | null;
      return_url?: string | null;
    };
    const customer = findCustomer(state.store.all<Customer>("customer", { organizationId }), request);
    if (!customer) {
      const field = request.customer_id ? "customer_id" : "external_customer_id";
      throw invalid(["body", field], "Customer does not exist.", "value_error", request[field]);
    }
    const returnUrl = request.return_url ?? null;
    if (!memberModelEnabled(state, organizationId)) return openCustomerSession(state, customer, returnUrl);
    const member = sessionMemberFor(state, customer, request);
    return openMemberSession(state, customer, member, returnUrl);
  },
};
