import { bodyOrganization, type Subject } from "../../auth";

/** Refuses an explicit `organization_id` in a create body sent with an organization token. */
export function forbidOrganizationId(subject: Subject, body: { organization_id?: string | null } | undefined): void {
  bodyOrganization(subject, body);
}
