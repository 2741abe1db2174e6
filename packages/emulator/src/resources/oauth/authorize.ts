// `GET /v1/oauth2/authorize`: the consent screen's data for an authorization request, as the API
// gives it to its own authorize page. The emulator's user is always signed in.
import type { OperationHandlers } from "../../context";
import { checkAuthorizationRequest } from "./authorization";
import { answering } from "./errors";
import { parseScope, scopeDisplayNames } from "./scopes";
import { emulatorUser, grantableOrganizations } from "./subjects";

const organizationOf = (o: { id: string; slug: string; avatar_url: string | null }) => ({
  id: o.id,
  slug: o.slug,
  avatar_url: o.avatar_url,
});

export const authorizeHandlers: OperationHandlers = {
  "oauth2:authorize": ({ state, request }) => {
    const {
      request: checked,
      client,
      organization,
    } = answering(() => checkAuthorizationRequest(state, new URL(request.url).searchParams));
    const user = emulatorUser(state);
    return {
      client: {
        created_at: client.created_at,
        modified_at: client.modified_at,
        client_id: client.client_id,
        client_name: client.client_name,
        client_uri: client.client_uri,
        logo_uri: client.logo_uri,
        tos_uri: client.tos_uri,
        policy_uri: client.policy_uri,
      },
      sub_type: checked.sub_type,
      sub:
        checked.sub_type === "user"
          ? { id: user.id, email: user.email, avatar_url: null }
          : organization
            ? organizationOf(organization)
            : null,
      scopes: parseScope(checked.scope),
      organizations: grantableOrganizations(state).map(organizationOf),
      requires_single_organization: false,
      scope_display_names: scopeDisplayNames(),
    };
  },
};
