// The consent page and the JSON authorize operation: what is refused without a redirect, what is
// redirected with an error, escaping, and the one-time, browser-bound form.
import { describe, expect, it } from "vitest";
import { openConsent, pkcePair, REDIRECT_URI, registerClient, submitConsent } from "../src/resources/oauth/testing";
import { call, useEmulator } from "./harness";

const { emu } = await useEmulator();

const request = (client: { client_id: string }, extra: Record<string, string> = {}) => ({
  response_type: "code",
  client_id: client.client_id,
  redirect_uri: REDIRECT_URI,
  state: "st",
  code_challenge: pkcePair().challenge,
  code_challenge_method: "S256",
  ...extra,
});

describe("consent page", () => {
  it("never redirects to an unregistered URI or for an unknown client", async () => {
    const client = await registerClient(emu);
    const elsewhere = await openConsent(emu, request(client, { redirect_uri: "https://evil.example/cb" }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBeNull();
    expect(elsewhere.html).toContain("redirect_uri is not registered");
    const prefix = await openConsent(emu, request(client, { redirect_uri: `${REDIRECT_URI}/../x` }));
    expect(prefix.status).toBe(400);
    const unknown = await openConsent(emu, request({ client_id: "polar_ci_nobody" }));
    expect(unknown.status).toBe(400);
    expect(unknown.location).toBeNull();
    const noClient = await openConsent(emu, { response_type: "code" });
    expect(noClient.status).toBe(400);
  });

  it("redirects other errors to the client with its state", async () => {
    const client = await registerClient(emu, { scope: "openid products:read" });
    const cases: [Record<string, string>, string][] = [
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "products:read customers:write" }, "invalid_scope"],
      [{ scope: "nonsense" }, "invalid_scope"],
      [{ code_challenge_method: "S512" }, "invalid_request"],
      [{ code_challenge: "short" }, "invalid_request"],
      [{ sub_type: "robot" }, "invalid_request"],
    ];
    for (const [extra, error] of cases) {
      const res = await openConsent(emu, request(client, extra));
      expect(res.status, JSON.stringify(extra)).toBe(302);
      const location = new URL(res.location as string);
      expect(location.origin + location.pathname).toBe(REDIRECT_URI);
      expect(location.searchParams.get("error"), JSON.stringify(extra)).toBe(error);
      expect(location.searchParams.get("state")).toBe("st");
    }
    const repeated = await fetch(
      `${emu.url}/oauth2/authorize?${new URLSearchParams(request(client))}&scope=openid&scope=products:read`,
      { redirect: "manual" },
    );
    expect(new URL(repeated.headers.get("location") as string).searchParams.get("error")).toBe("invalid_request");
  });

  it("escapes what the client registered", async () => {
    const client = await registerClient(emu, {
      client_name: `<script>alert("x")</script>`,
      client_uri: "javascript:alert(1)",
    });
    const page = await openConsent(emu, request(client));
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("<script>");
    expect(page.html).toContain("&lt;script&gt;");
    expect(page.html).not.toContain("javascript:");
  });

  it("accepts each form once, only from the browser that opened it, and not after it expires", async () => {
    const client = await registerClient(emu);
    const consent = await openConsent(emu, request(client));
    const foreign = await submitConsent(emu, { ...consent, cookie: "polar_oauth_browser=AAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(foreign.status).toBe(400);
    expect(foreign.location).toBeNull();
    // The foreign attempt used the form up.
    expect((await submitConsent(emu, consent)).status).toBe(400);

    const fresh = await openConsent(emu, request(client));
    expect((await submitConsent(emu, fresh)).status).toBe(303);
    const replay = await submitConsent(emu, fresh);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain("expired or was already answered");

    const late = await openConsent(emu, request(client));
    emu.advanceClock(11 * 60_000);
    expect((await submitConsent(emu, late)).status).toBe(400);

    const forged = await submitConsent(emu, { formToken: "guess", cookie: fresh.cookie });
    expect(forged.status).toBe(400);
    const noAction = await openConsent(emu, request(client));
    expect((await submitConsent(emu, noAction, { action: "maybe" })).status).toBe(400);
  });

  it("refuses an organization that is not offered, and oversized forms", async () => {
    const client = await registerClient(emu, { default_sub_type: "organization" });
    const consent = await openConsent(emu, request(client));
    const bogus = await submitConsent(emu, consent, {
      action: "allow",
      organization_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(bogus.status).toBe(400);
    expect(bogus.location).toBeNull();
    const big = await submitConsent(emu, consent, { action: "allow", padding: "x".repeat(20_000) });
    expect(big.status).toBe(413);
    expect(big.html).toContain("The form is too large.");
  });
});

describe("GET /v1/oauth2/authorize", () => {
  it("answers the consent data of a valid request", async () => {
    const client = await registerClient(emu, { default_sub_type: "organization", client_uri: "https://app.example" });
    const query = new URLSearchParams(request(client, { scope: "openid products:read", sub: emu.organizationId }));
    const res = await call(emu, "GET", `/v1/oauth2/authorize?${query}`, { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sub_type: "organization",
      sub: { id: emu.organizationId },
      scopes: ["openid", "products:read"],
      client: { client_id: client.client_id, client_name: "Test App", client_uri: "https://app.example" },
    });
    expect(res.body.organizations.map((o: { id: string }) => o.id)).toContain(emu.organizationId);
    expect(res.body.scope_display_names["products:read"]).toBe("Read products");
  });

  it("answers RFC errors for invalid requests", async () => {
    const client = await registerClient(emu);
    const unknown = await call(emu, "GET", `/v1/oauth2/authorize?${new URLSearchParams(request({ client_id: "x" }))}`, {
      token: null,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe("invalid_client");
    const scope = new URLSearchParams(request(client, { scope: "organization_access_tokens:read" }));
    const bad = await call(emu, "GET", `/v1/oauth2/authorize?${scope}`, { token: null });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid_scope");
    const userSub = new URLSearchParams(request(client, { sub_type: "user", sub: emu.organizationId }));
    expect((await call(emu, "GET", `/v1/oauth2/authorize?${userSub}`, { token: null })).body.error).toBe(
      "invalid_request",
    );
  });
});
