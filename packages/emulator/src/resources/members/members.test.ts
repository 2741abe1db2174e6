import { afterAll, describe, expect, it } from "vitest";
import { contractKit } from "../../../test/contract/kit";
import { seatKit } from "../../../test/contract/recipes-members";
import { otherOrganization, useEmulator } from "../../../test/harness";
import { startReceiver } from "../../../test/webhooks-support";
import { validatorAt } from "../../validate";

const { emu } = await useEmulator({ webhooks: { retryDelaysMs: [] } });
const kit = contractKit(emu);
const { make, send, unique } = kit;
const { teamWithMember, pendingSeat, invitationToken } = seatKit(kit);

const receiver = await startReceiver();
afterAll(() => receiver.close());
await make("webhooks:create_webhook_endpoint", {
  body: { url: receiver.url, format: "raw", events: ["member.created", "member.updated", "member.deleted"] },
});

/** The `member.*` webhooks received since the last call, checked against the spec's payload schemas. */
async function received() {
  await emu.flushWebhooks();
  const events = receiver.received.splice(0).map((r) => r.json);
  for (const event of events) {
    const validate = validatorAt(
      "webhooks",
      event.type,
      "post",
      "requestBody",
      "content",
      "application/json",
      "schema",
    );
    expect(validate(event), `${event.type}: ${JSON.stringify(validate.errors?.slice(0, 2))}`).toBe(true);
  }
  return events.map((e) => [e.type, e.data.id, e.data.role]);
}

const newTeam = () =>
  make("customers:create", {
    body: { type: "team", email: `team-${unique()}@example.com`, external_id: `team-${unique()}` },
  });
const addMember = (customerId: string, body: Record<string, unknown>, token?: string) =>
  send("customers:members:create", { params: { id: customerId }, body, token });

describe("members of a customer", () => {
  it("adds members to a team, returning the existing member for a known email", async () => {
    const team = await newTeam();
    await received();
    const email = `ada-${unique()}@example.com`;
    const created = await addMember(team.id, { email, name: "Ada", external_id: "ada" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      customer_id: team.id,
      email,
      name: "Ada",
      external_id: "ada",
      role: "member",
    });
    const again = await addMember(team.id, { email: email.toUpperCase() });
    expect(again.body.id).toBe(created.body.id);
    const manager = await send("customers:members:create_external", {
      params: { external_id: team.external_id },
      body: { email: `bob-${unique()}@example.com`, role: "billing_manager" },
    });
    expect(manager.body.role).toBe("billing_manager");
    expect(await received()).toEqual([
      ["member.created", created.body.id, "member"],
      ["member.created", manager.body.id, "billing_manager"],
    ]);
  });

  it("gives an individual customer one member only", async () => {
    const customer = await kit.newCustomer();
    expect((await addMember(customer.id, { email: customer.email })).status).toBe(201);
    const second = await addMember(customer.id, { email: `other-${unique()}@example.com` });
    expect(second.status).toBe(403);
    expect(second.body.error).toBe("NotPermitted");
  });

  it("refuses an external id already used within the customer", async () => {
    const { customer, member } = await teamWithMember();
    const res = await addMember(customer.id, { email: `x-${unique()}@example.com`, external_id: member.external_id });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(["body", "external_id"]);
  });

  it("reads, updates and deletes a member by id or by external ids", async () => {
    const { customer, member } = await teamWithMember();
    const byId = await make("customers:members:get", { params: { id: customer.id, member_id: member.id } });
    const byExternal = await make("customers:members:get_external", {
      params: { external_id: customer.external_id, member_external_id: member.external_id },
    });
    expect(byExternal).toEqual(byId);
    await received();

    const renamed = await make("customers:members:update_external", {
      params: { external_id: customer.external_id, member_external_id: member.external_id },
      body: { name: "Grace", email: `grace-${unique()}@example.com` },
    });
    expect(renamed).toMatchObject({ id: member.id, name: "Grace", role: "member" });
    expect(renamed.modified_at).toEqual(expect.any(String));
    // Nothing to change: no webhook.
    await make("customers:members:update", { params: { id: customer.id, member_id: member.id }, body: { name: null } });

    const deleted = await send("customers:members:delete", { params: { id: customer.id, member_id: member.id } });
    expect(deleted.status).toBe(204);
    const after = await send("customers:members:get", { params: { id: customer.id, member_id: member.id } });
    expect(after.status).toBe(404);
    expect(await received()).toEqual([
      ["member.updated", member.id, "member"],
      ["member.deleted", member.id, "member"],
    ]);
  });

  it("keeps one owner: transfer demotes the old owner, the only owner stays", async () => {
    const { customer, owner, member } = await teamWithMember();
    const ownerParams = { id: customer.id, member_id: owner.id };
    const demote = await send("customers:members:update", { params: ownerParams, body: { role: "member" } });
    expect(demote.status).toBe(422);
    expect(demote.body.detail[0].loc).toEqual(["body", "role"]);
    const removeOwner = await send("customers:members:delete", { params: ownerParams });
    expect(removeOwner.status).toBe(422);

    const promoted = await make("customers:members:update", {
      params: { id: customer.id, member_id: member.id },
      body: { role: "owner" },
    });
    expect(promoted.role).toBe("owner");
    const previous = await make("customers:members:get", { params: ownerParams });
    expect(previous.role).toBe("billing_manager");
  });

  it("refuses an email another member of the customer has", async () => {
    const { customer, owner, member } = await teamWithMember();
    const res = await send("customers:members:update", {
      params: { id: customer.id, member_id: member.id },
      body: { email: owner.email },
    });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(["body", "email"]);
  });

  it("revokes the seats of a member it deletes", async () => {
    const { seat } = await pendingSeat();
    await make("customer-seats:claim_seat", {
      body: { invitation_token: await invitationToken(seat.id) },
      token: null,
    });
    // A seat holder is the only member of their (individual) customer; adding an owner lets the member go.
    await make("customers:members:update", {
      params: { id: seat.customer_id, member_id: seat.member_id },
      body: { role: "owner" },
    });
    const team = await make("customers:update", { params: { id: seat.customer_id }, body: { type: "team" } });
    const other = await make("customers:members:create", {
      params: { id: team.id },
      body: { email: `next-${unique()}@example.com` },
    });
    await make("customers:members:update", { params: { id: team.id, member_id: other.id }, body: { role: "owner" } });
    const res = await send("customers:members:delete", { params: { id: team.id, member_id: seat.member_id } });
    expect(res.status).toBe(204);
    const list = await make("customer-seats:list_seats", { query: `subscription_id=${seat.subscription_id}` });
    expect(list.seats.find((s: { id: string }) => s.id === seat.id)).toMatchObject({ status: "revoked", member: null });
  });
});

describe("listing members", () => {
  it("filters by customer, external customer id and role, newest first by default", async () => {
    const { customer, owner, member } = await teamWithMember();
    const page = await make("members:list_members", { query: `customer_id=${customer.id}` });
    expect(page.items.map((m: { id: string }) => m.id)).toEqual([member.id, owner.id]);
    expect(page.pagination).toEqual({ total_count: 2, max_page: 1 });
    const owners = await make("members:list_members", {
      query: `external_customer_id=${customer.external_id}&role=owner`,
    });
    expect(owners.items.map((m: { id: string }) => m.id)).toEqual([owner.id]);
    const oldest = await make("members:list_members", {
      query: `customer_id=${customer.id}&sorting=created_at&limit=1`,
    });
    expect(oldest.items.map((m: { id: string }) => m.id)).toEqual([owner.id]);
    expect(oldest.pagination).toEqual({ total_count: 2, max_page: 2 });
    const bad = await send("members:list_members", { query: "role=admin" });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0].loc).toEqual(["query", "role"]);
  });

  it("leaves out members of deleted customers", async () => {
    const { customer } = await teamWithMember();
    await make("customers:delete", { params: { id: customer.id } });
    const page = await make("members:list_members", { query: `customer_id=${customer.id}` });
    expect(page.items).toEqual([]);
  });
});

describe("boundaries", () => {
  it("answers 404 for another organization's customers and members", async () => {
    const { customer, member } = await teamWithMember();
    const other = otherOrganization(emu);
    const as = { token: other.token };
    const params = { id: customer.id, member_id: member.id };
    const external = { external_id: customer.external_id, member_external_id: member.external_id };
    const tries = [
      addMember(customer.id, { email: `x-${unique()}@example.com` }, other.token),
      send("customers:members:get", { ...as, params }),
      send("customers:members:update", { ...as, params, body: { name: "Stolen" } }),
      send("customers:members:delete", { ...as, params }),
      send("customers:members:get_external", { ...as, params: external }),
      send("customers:members:delete_external", { ...as, params: external }),
    ];
    for (const res of await Promise.all(tries)) expect(res.status).toBe(404);
    const listed = await make("members:list_members", { ...as, query: `customer_id=${customer.id}` });
    expect(listed.items).toEqual([]);
    // A member id under another customer of the same organization is a 404 too.
    const stranger = await newTeam();
    const crossed = await send("customers:members:get", { params: { id: stranger.id, member_id: member.id } });
    expect(crossed.status).toBe(404);
    expect((await make("customers:members:get", { params })).name).toBe("Member");
  });

  it("answers 422 naming the malformed field", async () => {
    const team = await newTeam();
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{}, ["body", "email"]],
      [{ email: "nope" }, ["body", "email"]],
      [{ email: `a-${unique()}@example.com`, role: "owner" }, ["body", "role"]],
      [{ email: `a-${unique()}@example.com`, name: "x".repeat(257) }, ["body", "name"]],
    ];
    for (const [body, loc] of cases) {
      const res = await addMember(team.id, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    const badId = await send("customers:members:get", { params: { id: team.id, member_id: "x" } });
    expect(badId.status).toBe(422);
    expect(badId.body.detail[0].loc).toEqual(["path", "member_id"]);
    const badRole = await send("customers:members:update", {
      params: { id: team.id, member_id: crypto.randomUUID() },
      body: { role: "admin" },
    });
    expect(badRole.status).toBe(422);
  });

  it("needs member scopes, and refuses members when the organization has no member feature", async () => {
    const team = await newTeam();
    expect((await addMember(team.id, { email: `a-${unique()}@example.com` }, "")).status).toBe(401);
    const org = { params: { id: emu.organizationId } };
    await make("organizations:update", { ...org, body: { feature_settings: { seat_based_pricing_enabled: false } } });
    try {
      const res = await addMember(team.id, { email: `a-${unique()}@example.com` });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe("NotPermitted");
    } finally {
      await make("organizations:update", { ...org, body: { feature_settings: { seat_based_pricing_enabled: true } } });
    }
  });
});
