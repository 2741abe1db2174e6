import { organizationOf, saveToken } from "../../auth";
import type { OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { invalid } from "../../errors";
import { secret, uuid } from "../../ids";
import type { Doc } from "../../store";

export const CUSTOMER_SESSION = "customer_session";
const SESSION_TTL_MS = 60 * 60 * 1000;

type CustomerDoc = Doc & { organization_id: string; external_id: string | null; deleted_at?: string | null };

function findCustomer(all: CustomerDoc[], body: { customer_id?: string | null; external_customer_id?: string | null }) {
  const match = body.customer_id
    ? all.find((c) => c.id === body.customer_id)
    : all.find((c) => c.external_id === body.external_customer_id);
  return match && !match.deleted_at ? match : undefined;
}

export const sessionHandlers: OperationHandlers = {
  // A customer session is a one-hour `polar_cst_` token for the Customer Portal API and page.
  "customer-sessions:create": ({ state, subject, body }) => {
    const organizationId = organizationOf(subject);
    const request = body as {
      customer_id?: string | null;
      external_customer_id?: string | null;
      return_url?: string | null;
    };
    const customer = findCustomer(state.store.all<CustomerDoc>("customer", { organizationId }), request);
    if (!customer) {
      const field = request.customer_id ? "customer_id" : "external_customer_id";
      throw invalid(["body", field], "Customer does not exist.", "value_error", request[field]);
    }
    const now = state.clock.now();
    const token = secret("polar_cst_");
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString().replace("Z", "+00:00");
    saveToken(state.db, {
      token,
      subject: "Customer",
      subject_id: customer.id,
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
      return_url: request.return_url ?? null,
      customer_portal_url: `${state.publicUrl()}/portal?customer_session_token=${token}`,
      customer_id: customer.id,
      customer,
    });
    return state.store.insert(CUSTOMER_SESSION, session as Doc, { organizationId, customerId: customer.id });
  },
};
