// The portal's own customer, its session, and the public organization page data.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import type { Doc } from "../../store";
import { updateCustomer } from "../commerce/customers";
import { type Customer, KIND, type Organization, type Product } from "../commerce/shared";
import { customerOrganization, portalCustomer, presentAs } from "./present";
import { billingCustomer, sessionCustomer, sessionMember } from "./scope";
import { CUSTOMER_SESSION } from "./sessions";

type SessionDoc = Doc & { token: string; expires_at: string; return_url: string | null };

/** The stored session of a customer token (the token row holds its expiry). */
export function sessionOfToken(state: EmulatorState, customerId: string, token: string) {
  return state.store.all<SessionDoc>(CUSTOMER_SESSION, { customerId }).find((session) => session.token === token);
}

export const customerApiHandlers: OperationHandlers = {
  "customer_portal:customers:get": ({ state, subject }) =>
    portalCustomer(sessionCustomer(state, subject), state.clock.iso()),

  // The portal lets a customer change the billing details only (name and email stay with the merchant).
  "customer_portal:customers:update": ({ state, subject, body }) => {
    // Billing details: owners and billing managers only, as on Polar.
    const customer = billingCustomer(state, subject);
    const update = (body ?? {}) as Schema<"CustomerPortalCustomerUpdate">;
    const base = update.billing_name !== undefined ? { ...customer, billing_name: update.billing_name } : customer;
    const updated = updateCustomer(state, base as Customer, {
      ...(update.billing_address !== undefined && { billing_address: update.billing_address }),
      ...(update.tax_id !== undefined && { tax_id: update.tax_id }),
    });
    return portalCustomer(updated, state.clock.iso());
  },

  "customer_portal:organizations:get": ({ state, params }) => {
    const now = state.clock.iso();
    const organization = state.store.all<Organization>(KIND.organization).find((org) => org.slug === params.slug);
    if (!organization) throw notFound("Organization not found");
    const embedded = customerOrganization(organization, now);
    const products = state.store
      .all<Product>(KIND.product, { organizationId: organization.id })
      .filter((product) => !product.is_archived && product.visibility === "public")
      .map((product) => presentAs("CustomerProduct", { ...product, organization: embedded }, now));
    return { organization: embedded, products };
  },

  "customer_portal:customer-session:introspect": ({ state, subject }) => {
    const customer = sessionCustomer(state, subject);
    const token = subject.type === "Customer" || subject.type === "Member" ? subject.token : "";
    const row = state.db.prepare("SELECT expires_at FROM tokens WHERE token = ?").get(token) as
      | { expires_at: string | null }
      | undefined;
    const session = sessionOfToken(state, customer.id, token);
    return {
      expires_at: session?.expires_at ?? row?.expires_at ?? state.clock.iso(60 * 60 * 1000),
      return_url: session?.return_url ?? null,
    };
  },

  "customer_portal:customer-session:get_authenticated_user": ({ state, subject }) => {
    if (subject.type === "Member") {
      const { member, customer } = sessionMember(state, subject);
      return {
        type: "member",
        name: member.name ?? null,
        email: member.email,
        customer_id: customer.id,
        member_id: member.id,
        role: member.role,
      };
    }
    const customer = sessionCustomer(state, subject);
    return {
      type: "customer",
      name: customer.name ?? null,
      email: customer.email ?? "",
      customer_id: customer.id,
      member_id: null,
      role: null,
    };
  },
};
