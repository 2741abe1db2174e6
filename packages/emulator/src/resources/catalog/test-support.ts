// Helpers for the catalog's tests: a second organization to prove isolation, and the webhook
// events the emulator recorded.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { organizationToken } from "../../../test/harness";
import type { RunningEmulator } from "../../server";
import { registerWebhookEndpoint } from "../../webhooks/endpoints";
import { EVENT } from "../../webhooks/outbox";

export { otherOrganization as secondOrganization } from "../../../test/harness";

/** A token of the emulator's organization with only the given scopes. */
export const tokenWithScopes = (emu: RunningEmulator, scopes: string[]): string =>
  organizationToken(emu, emu.organizationId, scopes);

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
