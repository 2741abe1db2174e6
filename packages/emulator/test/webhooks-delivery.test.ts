import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../src/server";
import { signPolarWebhook } from "../src/webhooks/sign";
import { call, useEmulator } from "./harness";
import {
  downReceiverUrl,
  expectedSignature,
  otherOrganization,
  type Receiver,
  startReceiver,
  until,
} from "./webhooks-support";

// Tiny retry waits keep retries fast; no assertion depends on how long anything takes.
const { emu } = await useEmulator({ webhooks: { retryDelaysMs: [1, 1, 1] } });
// Retries an hour apart: they only come due when the test advances the emulator's clock.
const { emu: slow } = await useEmulator({ webhooks: { retryDelaysMs: [3_600_000, 3_600_000] } });
const { emu: impatient } = await useEmulator({ webhooks: { retryDelaysMs: [], timeoutMs: 200 } });

const receivers: Receiver[] = [];
afterAll(() => Promise.all(receivers.map((r) => r.close())));

// Every test gets its own endpoints: earlier ones are deleted so they do not receive later events.
const created: [RunningEmulator, string][] = [];
afterEach(async () => {
  for (const [on, id] of created.splice(0)) await call(on, "DELETE", `/v1/webhooks/endpoints/${id}`);
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

/** An endpoint for `organization.updated` pointing at `url`. */
async function endpoint(on: RunningEmulator, url: string, extra: Record<string, unknown> = {}) {
  const res = await call(on, "POST", "/v1/webhooks/endpoints", {
    body: { url, format: "raw", events: ["organization.updated"], ...extra },
  });
  expect(res.status).toBe(201);
  created.push([on, res.body.id]);
  return res.body as { id: string; secret: string };
}

/** A state change that emits `organization.updated`. */
async function touch(on: RunningEmulator, name: string) {
  const res = await call(on, "PATCH", `/v1/organizations/${on.organizationId}`, { body: { name } });
  expect(res.status).toBe(200);
}

interface Delivery {
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
  webhook_event: { id: string; type: string; payload: string };
}

const deliveries = async (on: RunningEmulator, query: string) => {
  const res = await call(on, "GET", `/v1/webhooks/deliveries?limit=100&${query}`);
  expect(res.status).toBe(200);
  return res.body.items as Delivery[];
};

const queueStates = (on: RunningEmulator, endpointId: string) =>
  (
    on.state.db.prepare("SELECT state FROM webhook_queue WHERE endpoint_id = ? ORDER BY seq").all(endpointId) as {
      state: string;
    }[]
  ).map((row) => row.state);

describe("signing", () => {
  it("matches Polar's key derivation vector (key = UTF-8 bytes of the whole secret)", () => {
    const payload =
      '{"type":"order.paid","timestamp":"2026-01-01T00:00:00Z","data":{"id":"00000000-0000-0000-0000-000000000000"}}';
    const headers = signPolarWebhook(
      "whsec_ovyN6cPrTv56AApvzCaJno08SSmGJmgbWilb33N2JuK",
      "11111111-2222-3333-4444-555555555555",
      1614265330,
      payload,
    );
    expect(headers["webhook-signature"]).toBe("v1,YUj6ZAWUGHY5r74LPOstzVYR9+HvqHTvzcHsnrVRrpc=");
    expect(signPolarWebhook("0c1a2b3c4d5e6f708192a3b4c5d6e7f8", headers["webhook-id"], 1614265330, payload)).toEqual({
      "webhook-id": "11111111-2222-3333-4444-555555555555",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,CqUw7Z97/mSKZl2/zDJICEekXhJhGqUUsLvrRZBHRN0=",
    });
  });
});

describe("delivery", () => {
  it("POSTs the event signed like Polar, and records the delivery", async () => {
    const r = await receiver();
    const { id, secret } = await endpoint(emu, r.url);
    await touch(emu, "Signed Co");
    await emu.flushWebhooks();
    await r.waitFor(1);
    const [request] = r.received;
    expect(request?.signature).toBe(expectedSignature(secret, request!));
    expect(request?.userAgent).toBe("polar.sh webhooks");
    expect(request?.contentType).toBe("application/json");
    expect(request?.json).toMatchObject({
      type: "organization.updated",
      data: { id: emu.organizationId, name: "Signed Co" },
    });
    expect(Math.abs(Number(request?.timestamp) - Date.now() / 1000)).toBeLessThan(300);

    const [delivery] = await deliveries(emu, `endpoint_id=${id}`);
    expect(delivery).toMatchObject({ succeeded: true, http_code: 204, response: "" });
    expect(delivery?.webhook_event).toMatchObject({
      id: request?.id,
      type: "organization.updated",
      payload: request?.body,
      succeeded: true,
      last_http_code: 204,
      skipped: false,
    });
  });

  it("retries a failed event with the same webhook-id and body, re-signed each time", async () => {
    const r = await receiver();
    r.answer = (_request, n) => (n < 2 ? { status: 500, body: "boom" } : 200);
    const { id, secret } = await endpoint(emu, r.url);
    await touch(emu, "Retry Co");
    await r.waitFor(3);
    expect(new Set(r.received.map((q) => q.id)).size).toBe(1);
    expect(new Set(r.received.map((q) => q.body)).size).toBe(1);
    for (const request of r.received) expect(request.signature).toBe(expectedSignature(secret, request));
    await until(() => queueStates(emu, id).join() === "delivered");
    const log = await deliveries(emu, `endpoint_id=${id}`);
    expect(log.map((d) => [d.succeeded, d.http_code, d.response])).toEqual([
      [true, 200, ""],
      [false, 500, "boom"],
      [false, 500, "boom"],
    ]);
  });

  it("gives up once the retry schedule is used, and records an unreachable endpoint", async () => {
    const r = await receiver();
    r.answer = () => 503;
    const { id } = await endpoint(emu, r.url);
    await touch(emu, "Doomed Co");
    await until(() => queueStates(emu, id).join() === "failed");
    await emu.flushWebhooks();
    expect(r.received).toHaveLength(4);

    const gone = await endpoint(emu, (await downReceiverUrl()).url);
    await touch(emu, "Unreachable Co");
    await until(() => queueStates(emu, gone.id).join() === "failed");
    const log = await deliveries(emu, `endpoint_id=${gone.id}`);
    expect(log).toHaveLength(4);
    expect(log[0]).toMatchObject({ succeeded: false, http_code: null });
    expect(log[0]?.response).toMatch(/ECONNREFUSED/);
  });

  it("treats a redirect as a failure and does not follow it", async () => {
    const target = await receiver();
    const r = await receiver();
    r.answer = () => ({ status: 307, headers: { location: target.url } });
    const { id } = await endpoint(emu, r.url);
    await touch(emu, "Redirect Co");
    await until(() => queueStates(emu, id).join() === "failed");
    expect(r.received).toHaveLength(4);
    expect(target.received).toHaveLength(0);
    const [last] = await deliveries(emu, `endpoint_id=${id}`);
    expect(last).toMatchObject({ succeeded: false, http_code: 307 });
    expect(last?.response).toContain("not followed");
  });

  it("times out a receiver that does not answer", async () => {
    const r = await receiver();
    r.answer = () => "hang";
    const { id } = await endpoint(impatient, r.url);
    await touch(impatient, "Hanging Co");
    await until(() => queueStates(impatient, id).join() === "failed");
    const [delivery] = await deliveries(impatient, `endpoint_id=${id}`);
    expect(delivery).toMatchObject({
      succeeded: false,
      http_code: null,
      response: "Timed out waiting for the endpoint",
    });
  });

  it("stamps webhook-timestamp with real time even when the emulator's clock was advanced", async () => {
    const r = await receiver();
    const { secret } = await endpoint(slow, r.url);
    await call(slow, "POST", "/__emulator/clock", { body: { advance_seconds: 30 * 86_400 } });
    await touch(slow, "Next month");
    await r.waitFor(1);
    const [request] = r.received;
    // The receiver's verifier compares with its own clock and allows ±300 s.
    expect(Math.abs(Number(request?.timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(request?.signature).toBe(expectedSignature(secret, request!));
    // The event itself happened at the emulator's time.
    expect(Date.parse(request?.json.timestamp ?? "") - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });
});

describe("ordering", () => {
  it("delivers an endpoint's events in the order they happened", async () => {
    const r = await receiver();
    // The first request is held until every event is queued, so the rest wait in the queue together.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    r.answer = async (_request, n) => {
      if (n === 0) await held;
      return 200;
    };
    await endpoint(emu, r.url);
    const names = Array.from({ length: 8 }, (_, i) => `Order ${i}`);
    for (const name of names) await touch(emu, name);
    await r.waitFor(1);
    release();
    await r.waitFor(names.length);
    expect(r.received.map((q) => q.json.data.name)).toEqual(names);
  });

  it("does not hold later events behind one that waits for a retry", async () => {
    const r = await receiver();
    r.answer = (request) => (request.json.data.name === "First" && r.received.length === 1 ? 500 : 200);
    const { id } = await endpoint(slow, r.url);
    await touch(slow, "First");
    await r.waitFor(1);
    await touch(slow, "Second");
    await r.waitFor(2);
    await until(() => queueStates(slow, id).join() === "pending,delivered");
    // The retry is an hour away; moving the emulator's clock makes it due.
    const clock = await call(slow, "POST", "/__emulator/clock", { body: { advance_seconds: 3600 } });
    expect(clock.status).toBe(200);
    await r.waitFor(3);
    expect(r.received.map((q) => q.json.data.name)).toEqual(["First", "Second", "First"]);
    expect(r.received[2]?.id).toBe(r.received[0]?.id);
  });
});

describe("disabling", () => {
  it("disables an endpoint after 10 consecutive failed events and skips what was pending", async () => {
    const strict = impatient;
    const r = await receiver();
    r.answer = () => 500;
    const { id } = await endpoint(strict, r.url);
    for (let i = 0; i < 9; i++) {
      await touch(strict, `Fail ${i}`);
      await strict.flushWebhooks();
    }
    expect((await call(strict, "GET", `/v1/webhooks/endpoints/${id}`)).body.enabled).toBe(true);
    // The 10th failure disables the endpoint; the 11th event, queued behind it, is skipped.
    await touch(strict, "Fail 9");
    await touch(strict, "Skipped");
    await until(() => !queueStates(strict, id).includes("pending"));
    expect(r.received).toHaveLength(10);
    expect(queueStates(strict, id).slice(-2)).toEqual(["failed", "skipped"]);
    const got = await call(strict, "GET", `/v1/webhooks/endpoints/${id}`);
    expect(got.body.enabled).toBe(false);
    expect(got.body.modified_at).not.toBeNull();

    // While disabled no event is even created for it.
    await touch(strict, "Ignored");
    await strict.flushWebhooks();
    expect(queueStates(strict, id)).toHaveLength(11);

    // Re-enabled by hand, it gets a fresh run: one more failure does not disable it again.
    await call(strict, "PATCH", `/v1/webhooks/endpoints/${id}`, { body: { enabled: true } });
    await touch(strict, "After re-enable");
    await strict.flushWebhooks();
    expect(r.received).toHaveLength(11);
    expect((await call(strict, "GET", `/v1/webhooks/endpoints/${id}`)).body.enabled).toBe(true);
  });

  it("counts only consecutive failures: a success starts the count again", async () => {
    const r = await receiver();
    let failing = true;
    r.answer = () => (failing ? 500 : 200);
    const { id } = await endpoint(impatient, r.url);
    for (let i = 0; i < 9; i++) {
      await touch(impatient, `Fail ${i}`);
      await impatient.flushWebhooks();
    }
    failing = false;
    await touch(impatient, "Success");
    await impatient.flushWebhooks();
    failing = true;
    await touch(impatient, "Fail again");
    await impatient.flushWebhooks();
    expect(r.received).toHaveLength(11);
    expect((await call(impatient, "GET", `/v1/webhooks/endpoints/${id}`)).body.enabled).toBe(true);
  });

  it("skips the pending retries of a deleted endpoint", async () => {
    const r = await receiver();
    r.answer = () => 500;
    const { id } = await endpoint(slow, r.url);
    await touch(slow, "Orphan");
    await r.waitFor(1);
    await until(() => queueStates(slow, id).join() === "pending");
    expect((await call(slow, "DELETE", `/v1/webhooks/endpoints/${id}`)).status).toBe(204);
    expect(queueStates(slow, id)).toEqual(["skipped"]);
    await call(slow, "POST", "/__emulator/clock", { body: { advance_seconds: 7200 } });
    await slow.flushWebhooks();
    expect(r.received).toHaveLength(1);
  });
});

describe("redelivery", () => {
  it("queues a fresh attempt with the same webhook-id and body", async () => {
    const r = await receiver();
    const { id, secret } = await endpoint(emu, r.url);
    await touch(emu, "Redeliver Co");
    await r.waitFor(1);
    const eventId = r.received[0]!.id;
    const res = await call(emu, "POST", `/v1/webhooks/events/${eventId}/redeliver`);
    expect(res.status).toBe(202);
    await r.waitFor(2);
    expect(r.received[1]).toMatchObject({ id: eventId, body: r.received[0]!.body });
    expect(r.received[1]!.signature).toBe(expectedSignature(secret, r.received[1]!));
    await until(async () => (await deliveries(emu, `endpoint_id=${id}`)).length === 2);
  });

  it("gives an event that used its retries one more try", async () => {
    const r = await receiver();
    r.answer = () => 500;
    const { id } = await endpoint(emu, r.url);
    await touch(emu, "Exhausted Co");
    await until(() => queueStates(emu, id).join() === "failed");
    await call(emu, "POST", `/v1/webhooks/events/${r.received[0]!.id}/redeliver`);
    await until(() => queueStates(emu, id).join() === "failed,failed");
    expect(r.received).toHaveLength(5);
  });

  it("answers 404 for an unknown event or another organization's, 422 for a malformed id", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await call(emu, "POST", `/v1/webhooks/events/${unknown}/redeliver`)).status).toBe(404);
    const malformed = await call(emu, "POST", "/v1/webhooks/events/nope/redeliver");
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0]).toMatchObject({ loc: ["path", "id"], type: "uuid_parsing" });
    const other = otherOrganization(emu);
    const r = await receiver();
    const theirs = await call(emu, "POST", "/v1/webhooks/endpoints", {
      body: { url: r.url, format: "raw", events: ["organization.updated"] },
      token: other.token,
    });
    created.push([emu, theirs.body.id]);
    const change = await call(emu, "PATCH", `/v1/organizations/${other.organizationId}`, {
      body: { name: "Theirs" },
      token: other.token,
    });
    expect(change.status).toBe(200);
    await r.waitFor(1);
    const res = await call(emu, "POST", `/v1/webhooks/events/${r.received[0]!.id}/redeliver`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "ResourceNotFound", detail: "Not found" });
    const allowed = await call(emu, "POST", `/v1/webhooks/events/${r.received[0]!.id}/redeliver`, {
      token: other.token,
    });
    expect(allowed.status).toBe(202);
    await r.waitFor(2);
  });
});

describe("listing deliveries", () => {
  it("filters by endpoint, outcome, code class, event type, time and text", async () => {
    const r = await receiver();
    r.answer = (request) => (request.json.data.name === "Bad" ? { status: 404, body: "no such route" } : 200);
    const { id } = await endpoint(impatient, r.url);
    await touch(impatient, "Good");
    await touch(impatient, "Bad");
    await until(() => !queueStates(impatient, id).includes("pending"));
    const mine = `endpoint_id=${id}`;
    expect(await deliveries(impatient, mine)).toHaveLength(2);
    expect((await deliveries(impatient, `${mine}&succeeded=false`)).map((d) => d.http_code)).toEqual([404]);
    expect((await deliveries(impatient, `${mine}&succeeded=true`)).map((d) => d.http_code)).toEqual([200]);
    expect(await deliveries(impatient, `${mine}&http_code_class=4xx`)).toHaveLength(1);
    expect(await deliveries(impatient, `${mine}&http_code_class=5xx`)).toHaveLength(0);
    expect(await deliveries(impatient, `${mine}&event_type=organization.updated`)).toHaveLength(2);
    expect(await deliveries(impatient, `${mine}&event_type=order.paid&event_type=checkout.created`)).toHaveLength(0);
    expect(await deliveries(impatient, `${mine}&query=NO%20SUCH`)).toHaveLength(1);
    const future = encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString());
    expect(await deliveries(impatient, `${mine}&start_timestamp=${future}`)).toHaveLength(0);
    expect(await deliveries(impatient, `${mine}&end_timestamp=${future}`)).toHaveLength(2);
  });

  it("refuses malformed filters with a 422", async () => {
    for (const query of [
      "succeeded=maybe",
      "endpoint_id=not-a-uuid",
      "http_code_class=6xx",
      "start_timestamp=yesterday",
      "page=0",
    ]) {
      const res = await call(emu, "GET", `/v1/webhooks/deliveries?${query}`);
      expect(res.status, query).toBe(422);
    }
  });

  it("never lists another organization's deliveries", async () => {
    const r = await receiver();
    const { id } = await endpoint(emu, r.url);
    await touch(emu, "Private");
    await r.waitFor(1);
    await until(async () => (await deliveries(emu, `endpoint_id=${id}`)).length === 1);
    const other = otherOrganization(emu, ["webhooks:read"]);
    for (const query of [`endpoint_id=${id}`, ""]) {
      const res = await call(emu, "GET", `/v1/webhooks/deliveries?${query}`, { token: other.token });
      expect(res.body).toEqual({ items: [], pagination: { total_count: 0, max_page: 0 } });
    }
  });
});
