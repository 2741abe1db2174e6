// A customer changes their email from the portal: a request issues a verification token (the API
// mails it; the emulator has no mail and shows pending tokens at `GET /__emulator/email-verifications`),
// the token is checked, then verified, which changes the email and starts a new session.
import type { Hono } from "hono";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { invalid, polarError } from "../../errors";
import { secret, uuid } from "../../ids";
import type { Doc } from "../../store";
import { emitStateChanged } from "../commerce/customer-state";
import { findByEmail } from "../commerce/customers";
import { issueCustomerSession } from "../commerce/purchase";
import { type Customer, KIND } from "../commerce/shared";
import { billingCustomer } from "./scope";

const EMAIL_VERIFICATION = "customer_email_verification";

// How long a verification link works (Polar's `EMAIL_VERIFICATION_TTL_SECONDS`, 30 minutes).
export const EMAIL_VERIFICATION_TTL_MS = 30 * 60 * 1000;

type Verification = Doc & {
  customer_id: string;
  organization_id: string;
  email: string;
  token: string;
  expires_at: string;
  created_at: string;
};

const invalidUpdate = () =>
  polarError(401, "InvalidCustomerEmailUpdate", "This email update request is invalid or has expired.");

/** The unexpired verification a token belongs to, if any. */
function validVerification(state: EmulatorState, token: string): Verification | undefined {
  if (!token) return undefined;
  const now = state.clock.now().getTime();
  return state.store
    .all<Verification>(EMAIL_VERIFICATION)
    .find((v) => v.token === token && new Date(v.expires_at).getTime() > now);
}

/** Replaces the customer's pending request (one at a time, as the API keeps it) with a new one. */
function requestEmailUpdate(state: EmulatorState, customer: Customer, email: string): void {
  if ((customer.type ?? "individual") === "team") {
    throw invalid(["body", "email"], "Only individual customers can change their email.", "value_error", email);
  }
  if (customer.email?.toLowerCase() === email.toLowerCase()) {
    throw invalid(["body", "email"], "New email is the same as your current email.", "value_error", email);
  }
  for (const pending of state.store.all(EMAIL_VERIFICATION, { customerId: customer.id })) {
    state.store.remove(EMAIL_VERIFICATION, pending.id);
  }
  const verification: Verification = {
    id: uuid(),
    created_at: state.clock.iso(),
    customer_id: customer.id,
    organization_id: customer.organization_id,
    email,
    token: secret("polar_cev_"),
    expires_at: state.clock.iso(EMAIL_VERIFICATION_TTL_MS),
  };
  state.store.insert(EMAIL_VERIFICATION, verification);
}

/** Applies a verified change: the email (now verified), `customer.updated`, and a new session token. */
function verifyEmailUpdate(state: EmulatorState, token: string): { token: string } {
  const verification = validVerification(state, token);
  if (!verification) throw invalidUpdate();
  const customer = state.store.find<Customer>(KIND.customer, verification.customer_id);
  if (!customer || customer.deleted_at) throw invalidUpdate();
  const taken = findByEmail(state, customer.organization_id, verification.email);
  // The request stays pending: the failed call changes nothing (the API's transaction rolls back).
  if (taken && taken.id !== customer.id) {
    throw invalid(["body", "token"], "This email address is already in use.", "value_error", verification.email);
  }
  const updated = state.store.put(KIND.customer, {
    ...customer,
    email: verification.email,
    email_verified: true,
    modified_at: state.clock.iso(),
  });
  state.emit(updated.organization_id, "customer.updated", updated);
  emitStateChanged(state, updated.id);
  state.store.remove(EMAIL_VERIFICATION, verification.id);
  return { token: issueCustomerSession(state, updated) };
}

export const emailUpdateHandlers: OperationHandlers = {
  "customer_portal:customers:request_email_update": ({ state, subject, body }) => {
    requestEmailUpdate(state, billingCustomer(state, subject), body.email);
    return new Reply(202, null);
  },
  // No session needed: the token proves access to the new inbox.
  "customer_portal:customers:check_email_update": ({ state, query }) => {
    if (!validVerification(state, query.token)) throw invalidUpdate();
    return new Reply(204);
  },
  "customer_portal:customers:verify_email_update": ({ state, body }) => verifyEmailUpdate(state, body.token),
};

/**
 * `GET /__emulator/email-verifications?customer_id=…`: the pending (unexpired) email change of a
 * customer, with its token, in place of the email the API would send.
 */
export function emailVerificationRoutes(app: Hono, state: EmulatorState): void {
  app.get("/__emulator/email-verifications", (c) => {
    const customerId = c.req.query("customer_id");
    if (!customerId) {
      return c.json(
        {
          error: "PolarRequestValidationError",
          detail: [{ loc: ["query", "customer_id"], msg: "Field required", type: "missing" }],
        },
        422,
      );
    }
    const now = state.clock.now().getTime();
    const items = state.store
      .all<Verification>(EMAIL_VERIFICATION, { customerId })
      .filter((v) => new Date(v.expires_at).getTime() > now)
      .map(({ customer_id, email, token, expires_at, created_at }) => ({
        customer_id,
        email,
        token,
        expires_at,
        created_at,
      }));
    return c.json({ items });
  });
}
