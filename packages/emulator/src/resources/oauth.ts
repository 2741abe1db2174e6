import type { OperationHandler, OperationHandlers } from "../context";
import type { ResourceModule } from "./module";
import { authorizeHandlers } from "./oauth/authorize";
import { clientHandlers } from "./oauth/clients";
import { consentRoutes } from "./oauth/consent-page";
import { oauthEndpoints } from "./oauth/endpoints";

// The token, revocation, introspection and userinfo endpoints are answered by routes mounted in
// `routes` (ahead of the spec router: they take form bodies, Basic client credentials and any
// OAuth token, and answer RFC errors). Their operations are listed here so that they count as
// implemented; this handler is never reached over HTTP.
const servedByOAuthRoutes: OperationHandler = () => {
  throw new Error("served by the OAuth routes mounted before the API router");
};

/**
 * OAuth 2.0 and OpenID Connect: client registration, the consent page, the token endpoint
 * (authorization code with PKCE, refresh with rotation), revocation, introspection, userinfo and
 * the discovery document. Issued access tokens work on the Core API within their scopes.
 */
export const oauth: ResourceModule = {
  handlers: {
    ...clientHandlers,
    ...authorizeHandlers,
    "oauth2:request_token": servedByOAuthRoutes,
    "oauth2:revoke_token": servedByOAuthRoutes,
    "oauth2:introspect_token": servedByOAuthRoutes,
    "oauth2:userinfo": servedByOAuthRoutes,
  } satisfies OperationHandlers,
  routes: (app, state) => {
    oauthEndpoints(app, state);
    consentRoutes(app, state);
  },
};
