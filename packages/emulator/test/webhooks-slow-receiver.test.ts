// The emulator as Polar, a receiver running core's real webhook handler: a first attempt that is
// still running when Polar gives up on it (timeout) and then fails must not be lost to its retry.
import { handleWebhook, memoryDeduplicator } from "@polar-kit/core";
import { afterAll, expect, it } from "vitest";
import { call, useEmulator } from "./harness";
import { type Received, startReceiver, until } from "./webhooks-support";

// Polar waits 10 s; a shorter wait and tiny backoffs keep the test quick. Nothing asserts times.
const { emu } = await useEmulator({ webhooks: { retryDelaysMs: Array(9).fill(20), timeoutMs: 300 } });
const receiver = await startReceiver();
afterAll(() => receiver.close());

const asRequest = (delivery: Received) =>
  new Request(`http://app.example${delivery.path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": delivery.id,
      "webhook-timestamp": delivery.timestamp,
      "webhook-signature": delivery.signature,
    },
    body: delivery.body,
  });

it("keeps retrying an event whose slow first attempt fails after the sender gave up on it, until it is handled once", async () => {
  const created = await call(emu, "POST", "/v1/webhooks/endpoints", {
    body: { url: `${receiver.url}/webhooks`, format: "raw", events: ["organization.updated"] },
  });
  expect(created.status).toBe(201);

  let releaseFirst: () => void = () => {};
  const firstMayFail = new Promise<void>((resolve) => (releaseFirst = resolve));
  const statuses: number[] = [];
  let runs = 0;
  let handled = 0;
  const config = {
    webhookSecret: created.body.secret as string,
    deduplicate: memoryDeduplicator(),
    logger: { warn: () => {}, error: () => {} },
    onOrganizationUpdated: async () => {
      runs++;
      if (runs === 1) {
        await firstMayFail; // still running while the emulator times out and retries
        throw new Error("the slow first attempt fails");
      }
      handled++;
    },
  };
  receiver.answer = async (delivery) => {
    const response = await handleWebhook(asRequest(delivery), config);
    statuses.push(response.status);
    // The retry has been told to come back later: now the first attempt may fail.
    if (response.status === 409) releaseFirst();
    return { status: response.status, body: await response.text() };
  };

  const touched = await call(emu, "PATCH", `/v1/organizations/${emu.organizationId}`, { body: { name: "Slow" } });
  expect(touched.status).toBe(200);

  const eventDelivered = async () => {
    const res = await call(emu, "GET", `/v1/webhooks/deliveries?limit=100&endpoint_id=${created.body.id}`);
    return (res.body.items as { succeeded: boolean }[]).some((delivery) => delivery.succeeded);
  };
  await until(eventDelivered);

  expect(statuses).toContain(409);
  expect(statuses.at(-1)).toBe(200);
  expect(handled).toBe(1);
  // Every later delivery of the same id is a duplicate, and runs nothing.
  expect(statuses.filter((status) => status === 200)).toHaveLength(1);
  await call(emu, "DELETE", `/v1/webhooks/endpoints/${created.body.id}`);
});
