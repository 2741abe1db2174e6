// OAuth scopes: space-separated strings on the wire, the spec's `Scope` enum for their values.
import { allScopes } from "../../bootstrap";
import { loadSpec } from "../../spec";

/** `"a b  c"` -> `["a", "b", "c"]`, duplicates dropped, order kept. */
export const parseScope = (scope: string): string[] => [...new Set(scope.split(" ").filter(Boolean))];

/** The scopes of `scope` that are not valid OAuth scopes. */
export function unknownScopes(scopes: string[]): string[] {
  // An OAuth client may hold every scope an organization access token can.
  const known = new Set(allScopes());
  return scopes.filter((scope) => !known.has(scope));
}

/** The consent screen's wording of each scope, from the spec's `scope_display_names` default. */
export function scopeDisplayNames(): Record<string, string> {
  const schema = loadSpec().document.components.schemas.AuthorizeResponseOrganization as {
    properties: { scope_display_names: { default: Record<string, string> } };
  };
  return schema.properties.scope_display_names.default;
}
