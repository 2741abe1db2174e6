// The OpenID userinfo claims of a grant: `sub` always, `name` with `openid`, `email` with `email`
// (user grants only), as the API builds them.
import type { EmulatorState } from "../../context";
import { parseScope } from "./scopes";
import { emulatorUser, findOrganization } from "./subjects";
import type { SubType } from "./tables";

export function userInfo(state: EmulatorState, grant: { sub_type: SubType; sub: string; scope: string }) {
  const scopes = new Set(parseScope(grant.scope));
  if (grant.sub_type === "organization") {
    const organization = findOrganization(state, grant.sub);
    return { sub: grant.sub, ...(scopes.has("openid") && { name: organization?.name ?? null }) };
  }
  const user = emulatorUser(state);
  return {
    sub: grant.sub,
    ...(scopes.has("openid") && { name: user.name }),
    ...(scopes.has("email") && { email: user.email, email_verified: true }),
  };
}
