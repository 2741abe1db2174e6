import { saveToken } from "./auth";
import type { EmulatorState } from "./context";
import { readSetting, writeSetting } from "./db";
import { secret } from "./ids";
import { newOrganization } from "./resources/organizations";
import { loadSpec } from "./spec";

/** What a fresh (or reopened) emulator hands to its user. */
export interface Credentials {
  organizationId: string;
  accessToken: string;
}

/** The `settings` key the credentials are kept under. */
export const CREDENTIALS = "credentials";

/** Every scope an organization access token can hold (all but the token-management ones). */
export function allScopes(): string[] {
  const scopes = loadSpec().document.components.schemas.Scope?.enum as string[];
  return scopes.filter((scope) => !scope.startsWith("organization_access_tokens:"));
}

/**
 * Creates the default organization and an organization access token with every scope, once per
 * database: a reopened database file keeps its organization and token.
 */
export function bootstrap(state: EmulatorState): Credentials {
  const saved = readSetting<Credentials>(state.db, CREDENTIALS);
  if (saved) return saved;
  return state.db.transaction(() => {
    const organization = newOrganization(state, { name: "Acme (emulator)", slug: "acme" });
    const accessToken = secret("polar_oat_");
    saveToken(state.db, {
      token: accessToken,
      subject: "Organization",
      subject_id: organization.id,
      organization_id: organization.id,
      scopes: allScopes().join(" "),
      expires_at: null,
    });
    const credentials = { organizationId: organization.id, accessToken };
    writeSetting(state.db, CREDENTIALS, credentials);
    return credentials;
  });
}
