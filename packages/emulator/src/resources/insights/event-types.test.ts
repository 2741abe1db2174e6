import { describe, expect, it } from "vitest";
import { call, organizationToken, otherOrganization, useEmulator } from "../../../test/harness";

const { emu } = await useEmulator();

async function ingestedType(name: string, metadata: Record<string, unknown> = {}) {
  const res = await call(emu, "POST", "/v1/events/ingest", {
    body: { events: [{ name, external_customer_id: "label-user", metadata }] },
  });
  expect(res.status).toBe(200);
  const types = await call(emu, "GET", `/v1/event-types/?query=${name}`);
  return types.body.items.find((t: { name: string }) => t.name === name) as { id: string; label: string };
}

describe("event-types:update", () => {
  it("renames an event type; its events and names carry the new label", async () => {
    const type = await ingestedType("api.call");
    expect(type.label).toBe("api.call");
    const res = await call(emu, "PATCH", `/v1/event-types/${type.id}`, { body: { label: "API call" } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: type.id,
      name: "api.call",
      label: "API call",
      label_property_selector: null,
      organization_id: emu.organizationId,
    });
    expect(res.body.modified_at).not.toBeNull();
    const listed = await call(emu, "GET", "/v1/event-types/?query=api.call");
    expect(listed.body.items[0].label).toBe("API call");
    const events = await call(emu, "GET", "/v1/events/?name=api.call");
    expect(events.body.items[0].label).toBe("API call");
    const names = await call(emu, "GET", "/v1/events/names?query=api.call");
    expect(names.body.items[0].label).toBe("API call");
  });

  it("labels each event from its metadata when a property selector is set", async () => {
    const type = await ingestedType("ticket.opened", { subject: "Printer on fire" });
    const res = await call(emu, "PATCH", `/v1/event-types/${type.id}`, {
      body: { label: "Ticket", label_property_selector: "metadata.subject" },
    });
    expect(res.body.label_property_selector).toBe("metadata.subject");
    await call(emu, "POST", "/v1/events/ingest", {
      body: { events: [{ name: "ticket.opened", external_customer_id: "label-user" }] },
    });
    const events = await call(emu, "GET", "/v1/events/?name=ticket.opened&sorting=timestamp");
    expect(events.body.items.map((e: { label: string }) => e.label).sort()).toEqual(["Printer on fire", "Ticket"]);
    // Without a selector in the next update, the per-event label goes away.
    const cleared = await call(emu, "PATCH", `/v1/event-types/${type.id}`, { body: { label: "Ticket" } });
    expect(cleared.body.label_property_selector).toBeNull();
  });

  it("refuses a missing, empty or too long label, and unknown or foreign ids", async () => {
    const type = await ingestedType("job.done");
    for (const body of [
      {},
      { label: "" },
      { label: "x".repeat(129) },
      { label: 7 },
      { label: "ok", label_property_selector: "" },
    ]) {
      const res = await call(emu, "PATCH", `/v1/event-types/${type.id}`, { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect((await call(emu, "PATCH", "/v1/event-types/not-a-uuid", { body: { label: "x" } })).status).toBe(422);
    const unknown = await call(emu, "PATCH", "/v1/event-types/00000000-0000-4000-8000-000000000000", {
      body: { label: "x" },
    });
    expect(unknown.status).toBe(404);
    const other = otherOrganization(emu);
    const foreign = await call(emu, "PATCH", `/v1/event-types/${type.id}`, {
      token: other.token,
      body: { label: "Mine" },
    });
    expect(foreign.status).toBe(404);
    const reader = organizationToken(emu, emu.organizationId, ["events:read"]);
    expect(
      (await call(emu, "PATCH", `/v1/event-types/${type.id}`, { token: reader, body: { label: "x" } })).status,
    ).toBe(403);
    const listed = await call(emu, "GET", "/v1/event-types/?query=job.done");
    expect(listed.body.items[0].label).toBe("job.done");
  });
});
