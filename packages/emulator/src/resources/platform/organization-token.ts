import type { Subject } from "../../auth";
import { invalid } from "../../errors";

/**
 * With an organization token the organization is implied; the API refuses an explicit one in a
 * create body rather than ignoring it.
 */
export function forbidOrganizationId(subject: Subject, body: { organization_id?: string | null } | undefined): void {
  if (subject.type === "Organization" && body?.organization_id != null) {
    throw invalid(
      ["body", "organization_id"],
      "Setting organization_id is disallowed when using an organization token.",
      "organization_token",
      body.organization_id,
    );
  }
}
