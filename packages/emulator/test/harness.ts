import { createPolar, type Polar } from "@polar-kit/core";
import { afterAll } from "vitest";
import { saveToken } from "../src/auth";
import { allScopes } from "../src/bootstrap";
import { secret } from "../src/ids";
import { newOrganization } from "../src/resources/organizations";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "../src/server";

/**
 * Starts an emulator for one test file (validating every response against the spec) and a
 * client for it; both go away after the file's tests.
 */
export async function useEmulator(options: EmulatorOptions = {}): Promise<{ emu: RunningEmulator; polar: Polar }> {
  const emu = await startEmulator({ port: 0, validateResponses: true, ...options });
  afterAll(() => emu.close());
  const polar = createPolar({ baseUrl: emu.url, accessToken: emu.accessToken, maxRetries: 0 });
  return { emu, polar };
}

/** Raw HTTP against the emulator, for requests the typed client would not send. */
export async function call(
  emu: RunningEmulator,
  method: string,
  path: string,
  init: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON an endpoint answers.
): Promise<{ status: number; body: any; headers: Headers }> {
  const token = init.token === undefined ? emu.accessToken : init.token;
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(init.body !== undefined && { "content-type": "application/json" }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

/** A new organization access token for `organizationId`, with `scopes` (all of them by default). */
export function organizationToken(emu: RunningEmulator, organizationId: string, scopes = allScopes()): string {
  const token = secret("polar_oat_");
  saveToken(emu.state.db, {
    token,
    subject: "Organization",
    subject_id: organizationId,
    organization_id: organizationId,
    scopes: scopes.join(" "),
    expires_at: null,
  });
  return token;
}

/** A second organization with its own token and client, to prove objects do not leak across organizations. */
export function otherOrganization(
  emu: RunningEmulator,
  scopes = allScopes(),
): { organizationId: string; token: string; polar: Polar } {
  const organization = newOrganization(emu.state, { name: "Other", slug: `other-${secret("", 8).toLowerCase()}` });
  const token = organizationToken(emu, organization.id, scopes);
  return {
    organizationId: organization.id,
    token,
    polar: createPolar({ baseUrl: emu.url, accessToken: token, maxRetries: 0 }),
  };
}
