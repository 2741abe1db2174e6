// Contract recipes of OAuth 2.0: client registration and configuration, the authorize data, and
// the form endpoints (token, revoke, introspect) with tokens from a real consent-page flow.
import {
  authorizeCode,
  grantedTokens,
  pkcePair,
  REDIRECT_URI,
  registerClient,
} from "../../src/resources/oauth/testing";
import type { ContractKit, Recipes } from "./kit";

export function recipes(kit: ContractKit): Recipes {
  const { emu } = kit;
  const form = (fields: Record<string, string | undefined>) =>
    new URLSearchParams(
      Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ).toString();
  const credentials = (client: { client_id: string; client_secret?: string }) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
  });

  return {
    "oauth2:clients:oauth2:create_client": async () => ({
      body: { client_name: "Contract App", redirect_uris: [REDIRECT_URI], scope: "openid products:read" },
      token: null,
    }),
    "oauth2:clients:oauth2:get_client": async () => {
      const client = await registerClient(emu);
      return { params: { client_id: client.client_id }, token: client.registration_access_token };
    },
    "oauth2:clients:oauth2:update_client": async () => {
      const client = await registerClient(emu);
      return {
        params: { client_id: client.client_id },
        body: { client_id: client.client_id, client_name: "Renamed App", redirect_uris: [REDIRECT_URI] },
        token: client.registration_access_token,
      };
    },
    "oauth2:clients:oauth2:delete_client": async () => {
      const client = await registerClient(emu);
      return { params: { client_id: client.client_id }, token: client.registration_access_token };
    },
    "oauth2:authorize": async () => {
      const client = await registerClient(emu, { default_sub_type: "organization" });
      const query = new URLSearchParams({
        response_type: "code",
        client_id: client.client_id,
        redirect_uri: REDIRECT_URI,
        scope: "openid products:read",
        state: "contract",
        code_challenge: pkcePair().challenge,
        code_challenge_method: "S256",
      });
      return { query: query.toString(), token: null };
    },
    "oauth2:request_token": async () => {
      const client = await registerClient(emu);
      const { code, verifier } = await authorizeCode(emu, client, { scope: "openid email products:read" });
      const body = form({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        ...credentials(client),
      });
      return { body, token: null };
    },
    "oauth2:revoke_token": async () => {
      const { client, tokens } = await grantedTokens(emu);
      return { body: form({ token: tokens.refresh_token, ...credentials(client) }), token: null };
    },
    "oauth2:introspect_token": async () => {
      const { client, tokens } = await grantedTokens(emu, { scope: "products:read" });
      return { body: form({ token: tokens.access_token, ...credentials(client) }), token: null };
    },
    "oauth2:userinfo": async () => {
      const { tokens } = await grantedTokens(emu, { scope: "openid products:read" });
      return { token: tokens.access_token };
    },
  };
}
