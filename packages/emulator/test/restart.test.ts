import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/server";
import { call } from "./harness";
import { downReceiverUrl, expectedSignature, type Receiver, startReceiver, until } from "./webhooks-support";

const dir = mkdtempSync(join(tmpdir(), "polar-kit-emulator-restart-"));
const open: (RunningEmulator | Receiver)[] = [];
afterAll(async () => {
  for (const thing of open) await thing.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const pendingRows = (emu: RunningEmulator) =>
  (emu.state.db.prepare("SELECT COUNT(*) AS n FROM webhook_queue WHERE state = 'pending'").get() as { n: number }).n;

it("resumes pending deliveries after a restart: each event arrives once per endpoint, with its webhook-id", async () => {
  const file = join(dir, "emulator.db");
  const down = await downReceiverUrl();
  const cliUrl = `${down.url}?to=cli`;
  // Retries an hour apart: A's failed attempts leave the deliveries pending when it closes.
  const options = { port: 0, db: file, validateResponses: true, webhookUrl: cliUrl, webhookSecret: "cli-secret" };
  const a = await startEmulator({ ...options, webhooks: { retryDelaysMs: [3_600_000, 3_600_000] } });
  open.push(a);
  const created = await call(a, "POST", "/v1/webhooks/endpoints", {
    body: { url: `${down.url}?to=api`, format: "raw", events: ["organization.updated"] },
  });
  expect(created.status).toBe(201);
  for (const name of ["One", "Two", "Three"]) {
    const res = await call(a, "PATCH", `/v1/organizations/${a.organizationId}`, { body: { name } });
    expect(res.status).toBe(200);
  }
  // Every event has failed its first attempt against the receiver that is down.
  await until(async () => {
    const res = await call(a, "GET", "/v1/webhooks/deliveries?limit=100");
    return res.body.items.length === 6;
  });
  const failed = (await call(a, "GET", "/v1/webhooks/deliveries?limit=100")).body.items;
  expect(failed.every((d: { succeeded: boolean; http_code: null }) => !d.succeeded && d.http_code === null)).toBe(true);
  const eventIds = new Set(failed.map((d: { webhook_event: { id: string } }) => d.webhook_event.id));
  expect(eventIds.size).toBe(6);
  expect(pendingRows(a)).toBe(6);
  await a.close();

  const receiver = await startReceiver(down.port);
  open.push(receiver);
  const b = await startEmulator({ ...options, webhooks: { retryDelaysMs: [1, 1] } });
  open.push(b);
  expect(b.accessToken).toBe(a.accessToken);
  expect(b.webhookSecret).toBe("cli-secret");
  // The retries are due an hour after A's attempts; move B's clock there.
  expect((await call(b, "POST", "/__emulator/clock", { body: { advance_seconds: 3600 } })).status).toBe(200);
  await receiver.waitFor(6);
  await until(() => pendingRows(b) === 0);
  await b.flushWebhooks();

  expect(receiver.received).toHaveLength(6);
  expect(new Set(receiver.received.map((r) => r.id))).toEqual(eventIds);
  const byEndpoint = (to: string) => receiver.received.filter((r) => r.path.endsWith(`to=${to}`));
  for (const [to, secret] of [
    ["api", created.body.secret],
    ["cli", "cli-secret"],
  ] as const) {
    const got = byEndpoint(to);
    expect(got.map((r) => r.json.data.name)).toEqual(["One", "Two", "Three"]);
    for (const request of got) expect(request.signature).toBe(expectedSignature(secret, request));
  }
  // The CLI-style endpoint was reused, not registered a second time.
  const endpoints = await call(b, "GET", "/v1/webhooks/endpoints");
  expect(endpoints.body.pagination.total_count).toBe(2);
});
