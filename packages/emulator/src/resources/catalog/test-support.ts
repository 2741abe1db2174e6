// Helpers for the catalog's tests: a second organization to prove isolation, and the webhook
// events the emulator recorded.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPolar, type Polar } from "@polar-kit/core";
import { afterAll } from "vitest";
import { saveToken } from "../../auth";
import { allScopes } from "../../bootstrap";
import { secret } from "../../ids";
import type { RunningEmulator } from "../../server";
import { registerWebhookEndpoint } from "../../webhooks/endpoints";
import { EVENT } from "../../webhooks/outbox";
import { newOrganization } from "../organizations";

/** Another organization with its own all-scopes token and client. */
export function secondOrganization(emu: RunningEmulator): { organizationId: string; token: string; polar: Polar } {
  const slug = `other-${secret("", 8).toLowerCase()}`;
  const organization = newOrganization(emu.state, { name: "Other Org", slug });
  const token = secret("polar_oat_");
  saveToken(emu.state.db, {
    token,
    subject: "Organization",
    subject_id: organization.id,
    organization_id: organization.id,
    scopes: allScopes().join(" "),
    expires_at: null,
  });
  return {
    organizationId: organization.id,
    token,
    polar: createPolar({ baseUrl: emu.url, accessToken: token, maxRetries: 0 }),
  };
}

/** A token of the emulator's organization with only the given scopes. */
export function tokenWithScopes(emu: RunningEmulator, scopes: string[]): string {
  const token = secret("polar_oat_");
  saveToken(emu.state.db, {
    token,
    subject: "Organization",
    subject_id: emu.organizationId,
    organization_id: emu.organizationId,
    scopes: scopes.join(" "),
    expires_at: null,
  });
  return token;
}

export type RecordedEvent = { type: string; data: Record<string, unknown> };

/**
 * Subscribes the emulator's organization to every webhook (delivered to a local sink that accepts
 * them) and returns a reader of the events recorded since, oldest first.
 */
export async function recordWebhooks(emu: RunningEmulator): Promise<(type?: string) => RecordedEvent[]> {
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        sink.closeAllConnections();
        sink.close(() => resolve());
      }),
  );
  registerWebhookEndpoint(emu.state, emu.organizationId, `http://127.0.0.1:${(sink.address() as AddressInfo).port}/`);
  return (type) =>
    emu.state.store
      .all<{ id: string; payload: string }>(EVENT, { organizationId: emu.organizationId })
      .map((event) => JSON.parse(event.payload) as RecordedEvent)
      .filter((event) => type === undefined || event.type === type);
}
