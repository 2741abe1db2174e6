import { expect, it } from "vitest";
import { startEmulator } from "../src/server";
import { call } from "./harness";

// Tables used to be created on first use, inside the request's transaction: a first events call
// that failed rolled the table back while a cache still said it existed.
it.each([
  ["an unknown event", `/v1/events/${crypto.randomUUID()}`, 404],
  ["a bad filter", `/v1/events/?filter=${encodeURIComponent('{"bad":1}')}`, 422],
])("keeps every table after a failed first events call (%s)", async (_name, path, status) => {
  const emu = await startEmulator({ port: 0, validateResponses: true });
  try {
    expect((await call(emu, "GET", path)).status).toBe(status);
    const customer = await call(emu, "POST", "/v1/customers/", { body: { email: "lost@example.com" } });
    expect(customer.status).toBe(201);
    const ingest = await call(emu, "POST", "/v1/events/ingest", {
      body: { events: [{ name: "api.call", customer_id: customer.body.id }] },
    });
    expect(ingest.status).toBe(200);
    for (const next of ["/v1/events/", "/v1/meters/", "/v1/events/names", "/v1/checkouts/", "/v1/files/"]) {
      expect((await call(emu, "GET", next)).status, next).toBe(200);
    }
  } finally {
    await emu.close();
  }
});
