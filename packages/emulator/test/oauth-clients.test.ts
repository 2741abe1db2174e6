// OAuth client registration (RFC 7591) and configuration (RFC 7592) over HTTP.
import { describe, expect, it } from "vitest";
import { authorizeCode, exchangeCode, REDIRECT_URI, registerClient } from "../src/resources/oauth/testing";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();

const register = (body: unknown, token: string | null = null) =>
  call(emu, "POST", "/v1/oauth2/register", { body, token });
const configure = (method: string, client: { client_id: string }, token: string | null, body?: unknown) =>
  call(emu, method, `/v1/oauth2/register/${encodeURIComponent(client.client_id)}`, { token, body });

describe("client registration", () => {
  it("registers a confidential client with the spec's defaults and management credentials", async () => {
    const res = await register({ client_name: "Acme CRM", redirect_uris: [REDIRECT_URI] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      client_name: "Acme CRM",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "client_secret_post",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      default_sub_type: "user",
      client_secret_expires_at: 0,
      modified_at: null,
      registration_client_uri: `${emu.url}/v1/oauth2/register/${res.body.client_id}`,
    });
    expect(res.body.client_id).toMatch(/^polar_ci_/);
    expect(res.body.client_secret).toMatch(/^polar_cs_/);
    expect(res.body.registration_access_token).toMatch(/^polar_crt_/);
    expect(res.body.scope.split(" ")).toContain("products:write");
    expect(res.body.scope.split(" ")).not.toContain("organization_access_tokens:read");
  });

  it("refuses malformed and hostile metadata", async () => {
    const missing = await register({ client_name: "No URIs" });
    expect(missing.status).toBe(422);
    expect(missing.body.detail[0].loc).toEqual(["body", "redirect_uris"]);
    const notUri = await register({ client_name: "x", redirect_uris: ["not a uri"] });
    expect(notUri.status).toBe(422);
    const empty = await register({ client_name: "x", redirect_uris: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error).toBe("invalid_redirect_uri");
    const fragment = await register({ client_name: "x", redirect_uris: ["https://app.example/cb#frag"] });
    expect(fragment.body.error).toBe("invalid_redirect_uri");
    const scope = await register({ client_name: "x", redirect_uris: [REDIRECT_URI], scope: "products:read root" });
    expect(scope.status).toBe(400);
    expect(scope.body.error).toBe("invalid_client_metadata");
    const reserved = await register({
      client_name: "x",
      redirect_uris: [REDIRECT_URI],
      scope: "organization_access_tokens:write",
    });
    expect(reserved.body.error).toBe("invalid_client_metadata");
    const grants = await register({ client_name: "x", redirect_uris: [REDIRECT_URI], grant_types: ["refresh_token"] });
    expect(grants.body.error).toBe("invalid_client_metadata");
    const many = await register({
      client_name: "x",
      redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example/cb${i}`),
    });
    expect(many.body.error).toBe("invalid_redirect_uri");
    const method = await register({
      client_name: "x",
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: "jwt",
    });
    expect(method.status).toBe(422);
    const notJson = await call(emu, "POST", "/v1/oauth2/register", { body: "{", token: null });
    expect(notJson.status).toBe(422);
  });
});

describe("client configuration", () => {
  it("reads, updates and deletes a client with its registration token; a deleted client is gone", async () => {
    const client = await registerClient(emu);
    const token = client.registration_access_token;

    const read = await configure("GET", client, token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ client_id: client.client_id, client_secret: client.client_secret });

    const updated = await configure("PUT", client, token, {
      client_id: client.client_id,
      client_name: "Renamed App",
      redirect_uris: [REDIRECT_URI, "http://localhost:3000/callback"],
      scope: "openid products:read",
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ client_name: "Renamed App", scope: "openid products:read" });
    expect(updated.body.modified_at).toEqual(expect.any(String));
    expect((await configure("GET", client, token)).body.client_name).toBe("Renamed App");

    // A grant made before the delete stops working with it.
    const { code, verifier } = await authorizeCode(emu, client, { scope: "products:read" });
    const tokens = await exchangeCode(emu, client, code, verifier);
    expect(tokens.status).toBe(200);

    const deleted = await configure("DELETE", client, token);
    expect(deleted.status).toBe(204);
    const after = await configure("GET", client, token);
    // RFC 7592 §2.1: an unknown client is a 401 invalid_client.
    expect(after.status).toBe(401);
    expect(after.body.error).toBe("invalid_client");
    expect((await configure("DELETE", client, token)).status).toBe(401);
    expect((await call(emu, "GET", "/v1/products/", { token: tokens.body.access_token })).status).toBe(401);
    expect((await exchangeCode(emu, client, code, verifier)).status).toBe(401);
  });

  it("refuses other clients' tokens, missing tokens and mismatched updates", async () => {
    const client = await registerClient(emu);
    const other = await registerClient(emu);
    const wrong = await configure("GET", client, other.registration_access_token);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("invalid_token");
    expect((await configure("DELETE", client, other.registration_access_token)).status).toBe(401);
    expect((await configure("GET", client, "polar_crt_forged")).status).toBe(401);
    // The emulator's organization token is not a registration token.
    expect((await configure("GET", client, emu.accessToken)).status).toBe(401);
    expect((await configure("GET", client, null)).status).toBe(401);

    const base = { client_name: "x", redirect_uris: [REDIRECT_URI] };
    const token = client.registration_access_token;
    const mismatch = await configure("PUT", client, token, { ...base, client_id: other.client_id });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toBe("invalid_request");
    const secret = await configure("PUT", client, token, { ...base, client_id: client.client_id, client_secret: "x" });
    expect(secret.body.error).toBe("invalid_request");
    const owned = await configure("PUT", client, token, {
      ...base,
      client_id: client.client_id,
      registration_access_token: "polar_crt_mine",
    });
    expect(owned.body.error).toBe("invalid_request");
    const noId = await configure("PUT", client, token, base);
    expect(noId.status).toBe(422);
    // The client is unchanged by the refused updates.
    expect((await configure("GET", client, token)).body.client_name).toBe("Test App");
  });

  it("leaves public clients without a secret", async () => {
    const client = await registerClient(emu, { token_endpoint_auth_method: "none" });
    const read = await configure("GET", client, client.registration_access_token);
    expect(read.body.client_secret).toBeUndefined();
    expect(read.body.client_secret_expires_at).toBeUndefined();
  });
});
