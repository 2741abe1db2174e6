import type { Db } from "./db";
import { ApiFailure, insufficientScope, invalid, invalidToken, unauthorized } from "./errors";
import type { SpecOperation } from "./spec";

/** Who is calling: the API's auth subjects. */
export type Subject =
  | { type: "Anonymous" }
  | { type: "Organization"; organizationId: string; scopes: Set<string>; token: string }
  // A personal access token (`polar_pat_`): the emulator's user, acting for the organization it was issued in.
  | { type: "User"; userId: string; organizationId: string; scopes: Set<string>; token: string }
  | { type: "Customer"; organizationId: string; customerId: string; scopes: Set<string>; token: string }
  // A member session (`polar_mst_`): one member of a customer, acting in the portal for that customer.
  | {
      type: "Member";
      organizationId: string;
      customerId: string;
      memberId: string;
      scopes: Set<string>;
      token: string;
    };

export interface TokenRow {
  token: string;
  subject: "Organization" | "Customer" | "User" | "Member";
  subject_id: string;
  organization_id: string;
  scopes: string;
  expires_at: string | null;
}

// Token prefixes the API recognises; anything else is refused as an invalid token.
const KNOWN_PREFIX = /^polar_(oat|pat|at_[uo]|cst|mst)_/;
export const REGISTRATION_TOKEN_PREFIX = "polar_crt_";

/** Registers a token: an organization access token, or a customer or member session. */
export function saveToken(db: Db, row: TokenRow): void {
  db.prepare(
    "INSERT INTO tokens (token, subject, subject_id, organization_id, scopes, expires_at) VALUES (@token, @subject, @subject_id, @organization_id, @scopes, @expires_at)",
  ).run(row);
}

/** Forgets tokens (revoked OAuth access tokens): they answer 401 `invalid_token` from then on. */
export function deleteTokens(db: Db, tokens: string[]): void {
  const remove = db.prepare("DELETE FROM tokens WHERE token = ?");
  for (const token of tokens) remove.run(token);
}

/** The token of an `Authorization: Bearer <token>` header, or `undefined` for any other header. */
export const bearerToken = (header: string | null | undefined): string | undefined =>
  /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];

/** Resolves the `Authorization` header to a subject; unknown or expired tokens are a 401. */
export function authenticate(db: Db, header: string | undefined, now: Date): Subject {
  if (!header) return { type: "Anonymous" };
  const token = bearerToken(header);
  // OAuth client registration tokens (RFC 7592) are checked by the client-configuration
  // endpoints themselves; to every other route their bearer is anonymous.
  if (token?.startsWith(REGISTRATION_TOKEN_PREFIX)) return { type: "Anonymous" };
  if (!token || !KNOWN_PREFIX.test(token)) throw invalidToken();
  const row = db.prepare("SELECT * FROM tokens WHERE token = ?").get(token) as TokenRow | undefined;
  if (!row || (row.expires_at && new Date(row.expires_at) <= now)) throw invalidToken();
  const scopes = new Set(row.scopes.split(" ").filter(Boolean));
  if (row.subject === "User") {
    return { type: "User", userId: row.subject_id, organizationId: row.organization_id, scopes, token };
  }
  if (row.subject === "Member") {
    const customerId = memberCustomer(db, row.subject_id);
    // A removed member's sessions end with it.
    if (!customerId) throw invalidToken();
    return { type: "Member", organizationId: row.organization_id, customerId, memberId: row.subject_id, scopes, token };
  }
  return row.subject === "Customer"
    ? { type: "Customer", organizationId: row.organization_id, customerId: row.subject_id, scopes, token }
    : { type: "Organization", organizationId: row.organization_id, scopes, token };
}

// Members are stored documents of kind "member" (src/resources/members/model.ts); the token row only
// names the member, so the customer it acts for is read from the member itself.
function memberCustomer(db: Db, memberId: string): string | undefined {
  const row = db.prepare("SELECT customer_id FROM resources WHERE kind = 'member' AND id = ?").get(memberId) as
    | { customer_id: string | null }
    | undefined;
  return row?.customer_id ?? undefined;
}

/**
 * Applies the operation's auth rules from the spec: allowed subjects (others count as anonymous)
 * and scopes (any one is enough; a `:write` scope also grants `:read`).
 */
export function authorize(subject: Subject, op: SpecOperation): Subject {
  const effective: Subject = op.subjects.includes(subject.type) ? subject : { type: "Anonymous" };
  if (effective.type === "Anonymous") {
    if (op.subjects.length && !op.subjects.includes("Anonymous")) throw unauthorized();
    return effective;
  }
  if (op.scopes.length && !op.scopes.some((scope) => grants(effective.scopes, scope))) {
    throw insufficientScope(op.scopes);
  }
  return effective;
}

function grants(scopes: Set<string>, wanted: string): boolean {
  return scopes.has(wanted) || (wanted.endsWith(":read") && scopes.has(wanted.replace(/:read$/, ":write")));
}

/** The organization a subject acts for, or a 401 when there is none. */
export function organizationOf(subject: Subject): string {
  if (subject.type === "Anonymous") throw unauthorized();
  return subject.organizationId;
}

export const ORGANIZATION_TOKEN_MESSAGE = "Setting organization_id is disallowed when using an organization token.";

/**
 * The organization a create request acts for. With an organization token it is the token's, and a
 * body naming one is refused (422 `organization_token`) rather than ignored, as the API does.
 */
export function bodyOrganization(subject: Subject, body: { organization_id?: string | null } | undefined): string {
  const organizationId = organizationOf(subject);
  if (subject.type === "Organization" && body?.organization_id != null) {
    throw invalid(["body", "organization_id"], ORGANIZATION_TOKEN_MESSAGE, "organization_token", body.organization_id);
  }
  return organizationId;
}

/**
 * The customer a portal session acts for, or a 401: a customer session's own customer, or the
 * customer of a member session's member (Polar's `get_customer_id`).
 */
export function customerOf(subject: Subject): { customerId: string; organizationId: string } {
  if (subject.type !== "Customer" && subject.type !== "Member") throw unauthorized();
  return subject;
}

export { ApiFailure };
