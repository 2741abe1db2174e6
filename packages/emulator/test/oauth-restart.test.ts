// OAuth state lives in the database: clients, grants and the ID token signing key survive a restart.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { grantedTokens, postForm } from "../src/resources/oauth/testing";
import { type RunningEmulator, startEmulator } from "../src/server";
import { call } from "./harness";

const dir = mkdtempSync(join(tmpdir(), "polar-kit-emulator-oauth-"));
const open: RunningEmulator[] = [];
afterAll(async () => {
  for (const emu of open) await emu.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

it("keeps clients, tokens and the signing key across a restart on the same database", async () => {
  const options = { port: 0, db: join(dir, "emulator.db"), validateResponses: true };
  const first = await startEmulator(options);
  open.push(first);
  const { client, tokens } = await grantedTokens(first, { scope: "openid products:read" });
  const keys = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
  await first.close();

  const second = await startEmulator(options);
  open.push(second);
  expect((await call(second, "GET", "/v1/products/", { token: tokens.access_token })).status).toBe(200);
  const refreshed = await postForm(second, "/v1/oauth2/token", {
    grant_type: "refresh_token",
    refresh_token: tokens.refresh_token,
    client_id: client.client_id,
    client_secret: client.client_secret,
  });
  expect(refreshed.status).toBe(200);
  expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(keys);
  const read = await call(second, "GET", `/v1/oauth2/register/${client.client_id}`, {
    token: client.registration_access_token,
  });
  expect(read.status).toBe(200);
});
