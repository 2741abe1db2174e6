import type { Db } from "./db";
import { ApiFailure, insufficientScope, invalid, invalidToken, unauthorized } from "./errors";
import type { SpecOperation } from "./spec";

/** Who is calling: the API's auth subjects. */
export type Subject =
  | { type: "Anonymous" }
  | { type: "Organization"; organizationId: string; scopes: Set<string>; token: string }
  | { type: "Customer"; organizationId: string; customerId: string; scopes: Set<string>; token: string };

export interface TokenRow {
  token: string;
  subject: "Organization" | "Customer";
  subject_id: string;
  organization_id: string;
  scopes: string;
  expires_at: string | null;
}

// Token prefixes the API recognises; anything else is refused as an invalid token.
const KNOWN_PREFIX = /^polar_(oat|pat|at_[uo]|cst|mst)_/;

/** Registers a token: an organization access token or a customer session. */
export function saveToken(db: Db, row: TokenRow): void {
  db.prepare(
    "INSERT INTO tokens (token, subject, subject_id, organization_id, scopes, expires_at) VALUES (@token, @subject, @subject_id, @organization_id, @scopes, @expires_at)",
  ).run(row);
}

/** Resolves the `Authorization` header to a subject; unknown or expired tokens are a 401. */
export function authenticate(db: Db, header: string | undefined, now: Date): Subject {
  if (!header) return { type: "Anonymous" };
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token || !KNOWN_PREFIX.test(token)) throw invalidToken();
  const row = db.prepare("SELECT * FROM tokens WHERE token = ?").get(token) as TokenRow | undefined;
  if (!row || (row.expires_at && new Date(row.expires_at) <= now)) throw invalidToken();
  const scopes = new Set(row.scopes.split(" ").filter(Boolean));
  return row.subject === "Customer"
    ? { type: "Customer", organizationId: row.organization_id, customerId: row.subject_id, scopes, token }
    : { type: "Organization", organizationId: row.organization_id, scopes, token };
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

/** The customer behind a customer-session token, or a 401. */
export function customerOf(subject: Subject): { customerId: string; organizationId: string } {
  if (subject.type !== "Customer") throw unauthorized();
  return subject;
}

export { ApiFailure };
