// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
// `client_secret_basic` (the Authorization header) or `client_secret_post` (the form), and
// `none` for public clients at the token endpoint only.
import type { EmulatorState } from "../../context";
import { type AuthMethod, findClient, type OAuthClient } from "./clients";
import { invalidClient, invalidRequest } from "./errors";
import type { Form } from "./form";
import { sameSecret } from "./secrets";

export type Endpoint = "token" | "revocation" | "introspection";

/** `Basic base64(urlencoded id ":" urlencoded secret)`, as RFC 6749 §2.3.1 defines it. */
function basicCredentials(header: string): { clientId: string; clientSecret: string } {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!encoded) throw invalidClient("Malformed Basic credentials.");
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) throw invalidClient("Malformed Basic credentials.");
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replaceAll("+", " ")),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replaceAll("+", " ")),
    };
  } catch {
    throw invalidClient("Malformed Basic credentials.");
  }
}

/** The authenticated client of a request, or 401 `invalid_client`. */
export function authenticateClient(
  state: EmulatorState,
  form: Form,
  authorization: string | undefined,
  endpoint: Endpoint,
): OAuthClient {
  const bodySecret = form.get("client_secret");
  let method: AuthMethod;
  let clientId: string;
  let clientSecret: string | null;
  if (authorization && /^Basic\s/i.test(authorization)) {
    // RFC 6749 §2.3: a client uses one authentication method per request.
    if (bodySecret !== null) throw invalidRequest("Send the client credentials in one place only.");
    const credentials = basicCredentials(authorization);
    const bodyId = form.get("client_id");
    if (bodyId !== null && bodyId !== credentials.clientId) throw invalidRequest("client_id does not match.");
    method = "client_secret_basic";
    clientId = credentials.clientId;
    clientSecret = credentials.clientSecret;
  } else {
    clientId = form.get("client_id") ?? "";
    clientSecret = bodySecret;
    method = clientSecret === null ? "none" : "client_secret_post";
  }
  if (!clientId) throw invalidClient("The client_id is missing.");
  const client = findClient(state, clientId);
  if (!client) throw invalidClient();
  if (method === "none") {
    // Public clients authenticate by their id alone, and only to exchange codes and refresh tokens.
    if (client.token_endpoint_auth_method !== "none" || endpoint !== "token") throw invalidClient();
    return client;
  }
  // The token endpoint takes the method the client registered (as authlib checks it); revocation
  // and introspection take either secret method.
  if (endpoint === "token" && client.token_endpoint_auth_method !== method) throw invalidClient();
  if (client.token_endpoint_auth_method === "none" || !sameSecret(clientSecret ?? "", client.client_secret)) {
    throw invalidClient();
  }
  return client;
}
