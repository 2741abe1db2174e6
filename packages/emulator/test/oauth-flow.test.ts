// The authorization code flow end to end over HTTP: the consent page, the token endpoint, the
// issued tokens on the Core API, refresh rotation, revocation, introspection, userinfo, expiry.
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  authorizeCode,
  exchangeCode,
  grantedTokens,
  openConsent,
  pkcePair,
  postForm,
  REDIRECT_URI,
  registerClient,
  submitConsent,
} from "../src/resources/oauth/testing";
import { call, otherOrganization, useEmulator } from "./harness";

const { emu } = await useEmulator();

const DAY_MS = 86_400_000;

const refresh = (client: { client_id: string; client_secret?: string }, refreshToken: string, extra = {}) =>
  postForm(emu, "/v1/oauth2/token", {
    grant_type: "refresh_token",
    client_id: client.client_id,
    client_secret: client.client_secret,
    refresh_token: refreshToken,
    ...extra,
  });

const introspect = (client: { client_id: string; client_secret?: string }, token: string) =>
  postForm(emu, "/v1/oauth2/introspect", { token, client_id: client.client_id, client_secret: client.client_secret });

describe("authorization code flow with PKCE", () => {
  it("goes from the consent page to an organization token that works on the Core API within its scopes", async () => {
    const client = await registerClient(emu, { default_sub_type: "organization" });
    const { verifier, challenge } = pkcePair();
    const consent = await openConsent(emu, {
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope: "openid products:read",
      state: "xyz-123",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    expect(consent.status).toBe(200);
    expect(consent.headers.get("x-frame-options")).toBe("DENY");
    expect(consent.html).toContain("Read products");
    expect(consent.organizations[0]).toBe(emu.organizationId);

    const approved = await submitConsent(emu, consent, { action: "allow", organization_id: emu.organizationId });
    expect(approved.status).toBe(303);
    expect(approved.location?.origin + (approved.location?.pathname ?? "")).toBe(REDIRECT_URI);
    expect(approved.location?.searchParams.get("state")).toBe("xyz-123");
    expect(approved.location?.searchParams.get("iss")).toBe(emu.url);
    const code = approved.location?.searchParams.get("code") as string;
    expect(code).toMatch(/^polar_ac_/);

    const res = await exchangeCode(emu, client, code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toMatchObject({ token_type: "Bearer", expires_in: 864_000, scope: "openid products:read" });
    expect(res.body.access_token).toMatch(/^polar_at_o_/);
    expect(res.body.refresh_token).toMatch(/^polar_rt_o_/);

    const token = res.body.access_token;
    expect((await call(emu, "GET", "/v1/products/", { token })).status).toBe(200);
    const write = await call(emu, "POST", "/v1/products/", { token, body: { name: "x", prices: [] } });
    expect(write.status).toBe(403);
    expect(write.body.error).toBe("insufficient_scope");
    expect((await call(emu, "GET", "/v1/customers/", { token })).status).toBe(403);
  });

  it("acts only for the organization chosen on the consent page", async () => {
    const other = otherOrganization(emu);
    const ours = await call(emu, "POST", "/v1/products/", {
      body: { name: "Ours", prices: [{ amount_type: "fixed", price_amount: 100, price_currency: "usd" }] },
    });
    const { tokens } = await grantedTokens(emu, { scope: "products:read", organizationId: other.organizationId });
    const token = tokens.access_token;
    expect((await call(emu, "GET", `/v1/products/${ours.body.id}`, { token })).status).toBe(404);
    const listed = await call(emu, "GET", "/v1/products/?limit=100", { token });
    expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(ours.body.id);
    const info = await call(emu, "GET", "/v1/oauth2/userinfo", { token });
    expect(info.body.sub).toBe(other.organizationId);
  });

  it("issues user tokens with an ID token and userinfo claims for the emulator's user", async () => {
    const client = await registerClient(emu);
    const { code, verifier } = await authorizeCode(emu, client, { scope: "openid email products:read" });
    const res = await exchangeCode(emu, client, code, verifier);
    expect(res.status).toBe(200);
    expect(res.body.access_token).toMatch(/^polar_at_u_/);
    const info = await call(emu, "GET", "/v1/oauth2/userinfo", { token: res.body.access_token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ email: "owner@acme.example", email_verified: true });

    const [header, payload, signature] = (res.body.id_token as string).split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    expect(claims).toMatchObject({ iss: emu.url, aud: client.client_id, sub: info.body.sub });
    const jwks = await (await fetch(`${emu.url}/.well-known/jwks.json`)).json();
    const key = createPublicKey({ key: jwks.keys[0], format: "jwk" });
    const signed = verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, "base64url"));
    expect(signed).toBe(true);
  });

  it("accepts client_secret_basic for clients registered with it", async () => {
    const client = await registerClient(emu, { token_endpoint_auth_method: "client_secret_basic" });
    const { code, verifier } = await authorizeCode(emu, client);
    const fields = { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier };
    const viaPost = await postForm(emu, "/v1/oauth2/token", {
      ...fields,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect(viaPost.status).toBe(401);
    expect(viaPost.body.error).toBe("invalid_client");
    const res = await postForm(emu, "/v1/oauth2/token", fields, {
      basic: [client.client_id, client.client_secret as string],
    });
    expect(res.status).toBe(200);
  });

  it("lets public clients exchange with PKCE and no secret, and requires S256 from them", async () => {
    const client = await registerClient(emu, { token_endpoint_auth_method: "none" });
    expect(client.client_secret).toBeUndefined();
    const noPkce = await openConsent(emu, {
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      state: "s1",
    });
    expect(noPkce.status).toBe(302);
    const refused = new URL(noPkce.location as string);
    expect(refused.searchParams.get("error")).toBe("invalid_request");
    expect(refused.searchParams.get("state")).toBe("s1");

    const { code, verifier } = await authorizeCode(emu, client);
    const res = await postForm(emu, "/v1/oauth2/token", {
      grant_type: "authorization_code",
      client_id: client.client_id,
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
  });

  it("redirects with access_denied when the user denies", async () => {
    const client = await registerClient(emu);
    const consent = await openConsent(emu, {
      response_type: "code",
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      state: "deny-me",
      ...{ code_challenge: pkcePair().challenge, code_challenge_method: "S256" },
    });
    const denied = await submitConsent(emu, consent, { action: "deny" });
    expect(denied.status).toBe(303);
    expect(denied.location?.searchParams.get("error")).toBe("access_denied");
    expect(denied.location?.searchParams.get("state")).toBe("deny-me");
    expect(denied.location?.searchParams.get("code")).toBeNull();
  });
});

describe("token endpoint refusals", () => {
  it("refuses a reused code and revokes the tokens issued from it", async () => {
    const client = await registerClient(emu, { default_sub_type: "organization" });
    const { code, verifier } = await authorizeCode(emu, client, { scope: "products:read" });
    const first = await exchangeCode(emu, client, code, verifier);
    expect(first.status).toBe(200);
    const rotated = await refresh(client, first.body.refresh_token);
    expect(rotated.status).toBe(200);

    const again = await exchangeCode(emu, client, code, verifier);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");
    for (const token of [first.body.access_token, rotated.body.access_token]) {
      expect((await call(emu, "GET", "/v1/products/", { token })).status).toBe(401);
    }
    expect((await refresh(client, rotated.body.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("refuses a wrong verifier, a missing one, and a wrong redirect_uri", async () => {
    const client = await registerClient(emu, { redirect_uris: [REDIRECT_URI, "https://app.example/other"] });
    const { code, verifier } = await authorizeCode(emu, client);
    const wrong = await exchangeCode(emu, client, code, pkcePair().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    const missing = await exchangeCode(emu, client, code, undefined);
    expect(missing.body.error).toBe("invalid_request");
    const elsewhere = await exchangeCode(emu, client, code, verifier, { redirect_uri: "https://app.example/other" });
    expect(elsewhere.body.error).toBe("invalid_grant");
    // None of those used the code up.
    expect((await exchangeCode(emu, client, code, verifier)).status).toBe(200);
  });

  it("refuses bad client credentials with 401 invalid_client", async () => {
    const client = await registerClient(emu);
    const { code, verifier } = await authorizeCode(emu, client);
    const bad = await exchangeCode(emu, client, code, verifier, { client_secret: "polar_cs_wrong" });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe("invalid_client");
    expect(bad.headers.get("www-authenticate")).toMatch(/^Basic/);
    const unknown = await exchangeCode(emu, client, code, verifier, { client_id: "polar_ci_nobody" });
    expect(unknown.status).toBe(401);
    const garbled = await postForm(
      emu,
      "/v1/oauth2/token",
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI },
      { headers: { authorization: "Basic %%%not-base64" } },
    );
    expect(garbled.status).toBe(401);
    expect(garbled.body.error).toBe("invalid_client");
    // Another client cannot redeem the code.
    const thief = await registerClient(emu);
    const stolen = await exchangeCode(emu, thief, code, verifier);
    expect(stolen.body.error).toBe("invalid_grant");
  });

  it("answers RFC errors for unsupported grants and malformed forms", async () => {
    const client = await registerClient(emu);
    const creds = { client_id: client.client_id, client_secret: client.client_secret };
    const password = await postForm(emu, "/v1/oauth2/token", { grant_type: "password", ...creds });
    expect(password.status).toBe(400);
    expect(password.body.error).toBe("unsupported_grant_type");
    const none = await postForm(emu, "/v1/oauth2/token", creds);
    expect(none.body.error).toBe("invalid_request");
    const repeated = await fetch(`${emu.url}/v1/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=refresh_token&grant_type=authorization_code",
    });
    expect(repeated.status).toBe(400);
    expect((await repeated.json()).error).toBe("invalid_request");
    const huge = await postForm(emu, "/v1/oauth2/token", { grant_type: "refresh_token", junk: "x".repeat(20_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe("invalid_request");
    const json = await call(emu, "POST", "/v1/oauth2/token", { token: null, body: { grant_type: "refresh_token" } });
    expect(json.status).toBe(400);
  });

  it("answers an unknown Polar-Version like every API route", async () => {
    const res = await postForm(
      emu,
      "/v1/oauth2/token",
      { grant_type: "refresh_token" },
      {
        headers: { "polar-version": "1999-01" },
      },
    );
    expect(res.status).toBe(404);
    expect((await postForm(emu, "/v1/oauth2/token", {}, { headers: { "polar-version": "2026-10" } })).status).toBe(400);
  });

  it("expires codes on the emulator clock", async () => {
    const client = await registerClient(emu);
    const { code, verifier } = await authorizeCode(emu, client);
    emu.advanceClock(5 * 60_000 + 1000);
    const late = await exchangeCode(emu, client, code, verifier);
    expect(late.status).toBe(400);
    expect(late.body.error).toBe("invalid_grant");
  });
});

describe("refresh tokens", () => {
  it("rotate: the new pair works, the old refresh token is refused", async () => {
    const { client, tokens } = await grantedTokens(emu, { scope: "products:read products:write" });
    const rotated = await refresh(client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(rotated.body.scope).toBe("products:read products:write");
    expect((await call(emu, "GET", "/v1/products/", { token: rotated.body.access_token })).status).toBe(200);
    const reused = await refresh(client, tokens.refresh_token);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");
  });

  it("narrow their scope on request and refuse a wider one", async () => {
    const { client, tokens } = await grantedTokens(emu, { scope: "products:read products:write" });
    const wider = await refresh(client, tokens.refresh_token, { scope: "products:read customers:read" });
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe("invalid_scope");
    const narrower = await refresh(client, tokens.refresh_token, { scope: "products:read" });
    expect(narrower.status).toBe(200);
    expect(narrower.body.scope).toBe("products:read");
    const token = narrower.body.access_token;
    expect((await call(emu, "POST", "/v1/products/", { token, body: { name: "x", prices: [] } })).status).toBe(403);
  });

  it("belong to their client", async () => {
    const { tokens } = await grantedTokens(emu);
    const other = await registerClient(emu);
    expect((await refresh(other, tokens.refresh_token)).body.error).toBe("invalid_grant");
  });
});

describe("revocation and introspection", () => {
  it("introspects an active token, then reports it inactive once revoked", async () => {
    const { client, tokens } = await grantedTokens(emu, { scope: "products:read" });
    const active = await introspect(client, tokens.access_token);
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({
      active: true,
      client_id: client.client_id,
      token_type: "access_token",
      scope: "products:read",
      sub_type: "organization",
      sub: emu.organizationId,
      iss: emu.url,
      aud: client.client_id,
    });
    expect(active.body.exp - active.body.iat).toBe(864_000);

    const revoked = await postForm(emu, "/v1/oauth2/revoke", {
      token: tokens.access_token,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({});
    expect((await introspect(client, tokens.access_token)).body).toEqual({ active: false });
    expect((await call(emu, "GET", "/v1/products/", { token: tokens.access_token })).status).toBe(401);
    // Without a hint, the refresh token of the same issuance goes too, as the API does.
    expect((await refresh(client, tokens.refresh_token)).body.error).toBe("invalid_grant");
  });

  it("revoking a refresh token ends the access tokens of its grant; hints only narrow access revocation", async () => {
    const { client, tokens } = await grantedTokens(emu, { scope: "products:read" });
    const hinted = await postForm(
      emu,
      "/v1/oauth2/revoke",
      { token: tokens.access_token, token_type_hint: "access_token" },
      { basic: [client.client_id, client.client_secret as string] },
    );
    expect(hinted.status).toBe(200);
    const rotated = await refresh(client, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    expect((await introspect(client, rotated.body.refresh_token)).body).toMatchObject({
      active: true,
      token_type: "refresh_token",
    });
    await postForm(emu, "/v1/oauth2/revoke", {
      token: rotated.body.refresh_token,
      token_type_hint: "access_token", // a wrong hint: the search goes on (RFC 7009 §2.1)
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    expect((await call(emu, "GET", "/v1/products/", { token: rotated.body.access_token })).status).toBe(401);
    expect((await introspect(client, rotated.body.refresh_token)).body).toEqual({ active: false });
  });

  it("answers 200 for unknown tokens, inactive for other clients' tokens, and RFC errors otherwise", async () => {
    const { client, tokens } = await grantedTokens(emu);
    const creds = { client_id: client.client_id, client_secret: client.client_secret };
    const unknown = await postForm(emu, "/v1/oauth2/revoke", { token: "polar_at_o_unknown", ...creds });
    expect(unknown.status).toBe(200);
    expect((await introspect(client, "polar_at_o_unknown")).body).toEqual({ active: false });

    const other = await registerClient(emu);
    expect((await introspect(other, tokens.access_token)).body).toEqual({ active: false });
    const foreign = await postForm(emu, "/v1/oauth2/revoke", {
      token: tokens.access_token,
      client_id: other.client_id,
      client_secret: other.client_secret,
    });
    expect(foreign.status).toBe(400);
    expect((await introspect(client, tokens.access_token)).body.active).toBe(true);

    const missing = await postForm(emu, "/v1/oauth2/revoke", creds);
    expect(missing.body.error).toBe("invalid_request");
    const hint = await postForm(emu, "/v1/oauth2/introspect", { token: "x", token_type_hint: "id_token", ...creds });
    expect(hint.body.error).toBe("unsupported_token_type");
    const unauthenticated = await postForm(emu, "/v1/oauth2/introspect", { token: tokens.access_token });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error).toBe("invalid_client");
  });

  it("expires access tokens on the emulator clock while the refresh token keeps working", async () => {
    const { client, tokens } = await grantedTokens(emu, { scope: "products:read" });
    emu.advanceClock(10 * DAY_MS + 1000);
    expect((await call(emu, "GET", "/v1/products/", { token: tokens.access_token })).status).toBe(401);
    expect((await introspect(client, tokens.access_token)).body).toEqual({ active: false });
    expect((await call(emu, "GET", "/v1/oauth2/userinfo", { token: tokens.access_token })).status).toBe(401);
    const renewed = await refresh(client, tokens.refresh_token);
    expect(renewed.status).toBe(200);
    expect((await call(emu, "GET", "/v1/products/", { token: renewed.body.access_token })).status).toBe(200);
  });
});

describe("userinfo", () => {
  it("answers the organization's claims and refuses other tokens", async () => {
    const { tokens } = await grantedTokens(emu, { scope: "openid products:read" });
    const info = await call(emu, "GET", "/v1/oauth2/userinfo", { token: tokens.access_token });
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ sub: emu.organizationId, name: expect.any(String) });
    expect((await call(emu, "GET", "/v1/oauth2/userinfo", { token: emu.accessToken })).status).toBe(401);
    expect((await call(emu, "GET", "/v1/oauth2/userinfo", { token: null })).status).toBe(401);
    expect((await call(emu, "GET", "/v1/oauth2/userinfo", { token: tokens.refresh_token })).status).toBe(401);
  });
});

describe("discovery", () => {
  it("describes the emulator's own endpoints", async () => {
    const res = await fetch(`${emu.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc).toMatchObject({
      issuer: emu.url,
      authorization_endpoint: `${emu.url}/oauth2/authorize`,
      token_endpoint: `${emu.url}/v1/oauth2/token`,
      userinfo_endpoint: `${emu.url}/v1/oauth2/userinfo`,
      registration_endpoint: `${emu.url}/v1/oauth2/register`,
      revocation_endpoint: `${emu.url}/v1/oauth2/revoke`,
      introspection_endpoint: `${emu.url}/v1/oauth2/introspect`,
      jwks_uri: `${emu.url}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256", "plain"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
    expect(doc.scopes_supported).toContain("products:read");
    expect(doc.scopes_supported).not.toContain("organization_access_tokens:write");
    // Every advertised endpoint answers (not 404).
    const token = await postForm(emu, new URL(doc.token_endpoint).pathname, {});
    expect(token.status).toBe(400);
  });
});
