import { afterAll, describe, expect, it } from "vitest";
import { contractKit } from "../../../test/contract/kit";
import { seatKit } from "../../../test/contract/recipes-members";
import { otherOrganization, useEmulator } from "../../../test/harness";
import { startReceiver } from "../../../test/webhooks-support";
import { uuid } from "../../ids";

const { emu } = await useEmulator({ webhooks: { retryDelaysMs: [] } });
const kit = contractKit(emu);
const { make, send, unique } = kit;
const { teamWithMember } = seatKit(kit);

const MEMBER_MODEL = { feature_settings: { seat_based_pricing_enabled: true, member_model_enabled: true } };
await make("organizations:update", { params: { id: emu.organizationId }, body: MEMBER_MODEL });

const receiver = await startReceiver();
afterAll(() => receiver.close());
await make("webhooks:create_webhook_endpoint", {
  body: { url: receiver.url, format: "raw", events: ["member.created", "member.updated", "member.deleted"] },
});

/** The `member.*` webhooks received since the last call, as [type, member id, role]. */
async function received() {
  await emu.flushWebhooks();
  return receiver.received.splice(0).map((r) => [r.json.type, r.json.data.id, r.json.data.role]);
}

const sessionOf = async (customerId: string, memberId: string, token?: string) =>
  (await make("customer-sessions:create", { body: { customer_id: customerId, member_id: memberId }, token }))
    .token as string;

/** A team (owner, billing manager, member) and a member session of each. */
async function team() {
  const { customer, owner, member } = await teamWithMember();
  const manager = await make("customers:members:create", {
    params: { id: customer.id },
    body: { email: `manager-${unique()}@example.com`, role: "billing_manager" },
  });
  const ownerToken = await sessionOf(customer.id, owner.id);
  const managerToken = await sessionOf(customer.id, manager.id);
  const memberToken = await sessionOf(customer.id, member.id);
  await received();
  return { customer, owner, manager, member, ownerToken, managerToken, memberToken };
}

const list = (token: string | null, query?: string) => send("customer_portal:members:list_members", { token, query });
const add = (token: string | null, body: unknown) => send("customer_portal:members:add_member", { token, body });
const update = (token: string | null, id: string, body: unknown) =>
  send("customer_portal:members:update_member", { token, params: { id }, body });
const remove = (token: string | null, id: string) =>
  send("customer_portal:members:remove_member", { token, params: { id } });

describe("portal members of an owner's team", () => {
  it("lists, adds, changes and removes members, with member.* webhooks", async () => {
    const { owner, manager, member, ownerToken } = await team();
    const listed = await list(ownerToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((m: { id: string }) => m.id)).toEqual([owner.id, member.id, manager.id]);
    expect(Object.keys(listed.body.items[0]).sort()).toEqual([
      "created_at",
      "email",
      "id",
      "modified_at",
      "name",
      "role",
    ]);
    expect(listed.body.pagination).toEqual({ total_count: 3, max_page: 1 });
    const paged = await list(ownerToken, "page=2&limit=2");
    expect(paged.body.items.map((m: { id: string }) => m.id)).toEqual([manager.id]);

    const email = `new-${unique()}@example.com`;
    const added = await add(ownerToken, { email, name: "New", role: "billing_manager" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ email, name: "New", role: "billing_manager" });
    expect(await received()).toEqual([["member.created", added.body.id, "billing_manager"]]);
    const again = await add(ownerToken, { email: email.toUpperCase() });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(added.body.id);
    expect(await received()).toEqual([]);

    const changed = await update(ownerToken, member.id, { role: "billing_manager", name: "Promoted" });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: member.id, role: "billing_manager", name: "Promoted" });
    expect(await received()).toEqual([["member.updated", member.id, "billing_manager"]]);
    const same = await update(ownerToken, member.id, {});
    expect(same.body.role).toBe("billing_manager");
    expect(await received()).toEqual([]);

    const removed = await remove(ownerToken, added.body.id);
    expect(removed.status).toBe(204);
    expect(await received()).toEqual([["member.deleted", added.body.id, "billing_manager"]]);
    const after = await list(ownerToken);
    expect(after.body.items.map((m: { id: string }) => m.id)).not.toContain(added.body.id);
  });

  it("lets a billing manager manage the team too", async () => {
    const { member, managerToken } = await team();
    expect((await list(managerToken)).status).toBe(200);
    const added = await add(managerToken, { email: `bm-${unique()}@example.com` });
    expect(added.status).toBe(201);
    expect(added.body.role).toBe("member");
    expect((await update(managerToken, member.id, { role: "billing_manager" })).status).toBe(200);
    expect((await remove(managerToken, added.body.id)).status).toBe(204);
  });
});

describe("who may manage members", () => {
  it("refuses a plain member (403) and changes nothing", async () => {
    const { owner, memberToken, customer } = await team();
    const tries = [
      list(memberToken),
      add(memberToken, { email: `x-${unique()}@example.com` }),
      update(memberToken, owner.id, { name: "Hijacked" }),
      remove(memberToken, owner.id),
    ];
    for (const res of await Promise.all(tries)) {
      expect(res.status).toBe(403);
      expect(res.body.error).toBe("NotPermitted");
    }
    const members = await make("members:list_members", { query: `customer_id=${customer.id}` });
    expect(members.items).toHaveLength(3);
    expect(await received()).toEqual([]);
  });

  it("refuses customer sessions, organization tokens and no token (401)", async () => {
    const { owner } = await team();
    const other = otherOrganization(emu);
    const individual = await make("customers:create", {
      body: { email: `cst-${unique()}@example.com` },
      token: other.token,
    });
    const customerToken = (
      await make("customer-sessions:create", { body: { customer_id: individual.id }, token: other.token })
    ).token;
    expect(customerToken).toMatch(/^polar_cst_/);
    for (const token of [customerToken, emu.accessToken, null]) {
      expect((await list(token)).status).toBe(401);
      expect((await add(token, { email: `y-${unique()}@example.com` })).status).toBe(401);
      expect((await update(token, owner.id, { name: "X" })).status).toBe(401);
      expect((await remove(token, owner.id)).status).toBe(401);
    }
  });

  it("keeps member management to team customers (403 for an individual's owner)", async () => {
    const individual = await make("customers:create", { body: { email: `solo-${unique()}@example.com` } });
    const { token } = await make("customer-sessions:create", { body: { customer_id: individual.id } });
    const res = await list(token);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/only available for team customers/);
    expect((await add(token, { email: `z-${unique()}@example.com` })).status).toBe(403);
  });
});

describe("billing features", () => {
  it("are kept to owners and billing managers; a plain member still reads the customer's data", async () => {
    const { managerToken, memberToken } = await team();
    const billing = [
      { id: "customer_portal:customers:list_payment_methods" },
      { id: "customer_portal:wallets:list" },
      { id: "customer_portal:customers:update", body: { billing_name: "Not allowed" } },
      { id: "customer_portal:customers:request_email_update", body: { email: `x-${unique()}@example.com` } },
    ];
    for (const { id, body } of billing) {
      const refused = await send(id, { token: memberToken, body });
      expect(refused.status, id).toBe(403);
      expect(refused.body.error, id).toBe("NotPermitted");
    }
    for (const id of ["customer_portal:customers:list_payment_methods", "customer_portal:wallets:list"]) {
      expect((await send(id, { token: managerToken })).status, id).toBe(200);
    }
    expect((await send("customer_portal:orders:list", { token: memberToken })).status).toBe(200);
  });
});

describe("team rules", () => {
  it("adds nobody as owner", async () => {
    const { ownerToken } = await team();
    const res = await add(ownerToken, { email: `boss-${unique()}@example.com`, role: "owner" });
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({
      loc: ["body", "role"],
      msg: "Cannot add a member as owner. There must be exactly one owner.",
    });
  });

  it("lets nobody change their own role or remove themselves", async () => {
    const { owner, manager, ownerToken, managerToken } = await team();
    const own = await update(managerToken, manager.id, { role: "member" });
    expect(own.status).toBe(422);
    expect(own.body.detail[0]).toMatchObject({ loc: ["path", "id"], msg: "You cannot modify your own role." });
    const renamed = await update(managerToken, manager.id, { name: "Me" });
    expect(renamed.body).toMatchObject({ name: "Me", role: "billing_manager" });
    const self = await remove(ownerToken, owner.id);
    expect(self.status).toBe(422);
    expect(self.body.detail[0]).toMatchObject({
      loc: ["path", "id"],
      msg: "You cannot remove yourself from the team.",
    });
  });

  it("keeps exactly one owner", async () => {
    const { owner, member, ownerToken, managerToken } = await team();
    const second = await update(ownerToken, member.id, { role: "owner" });
    expect(second.status).toBe(422);
    expect(second.body.detail[0]).toMatchObject({
      loc: ["body", "role"],
      msg: "Cannot have multiple owners. Demote the current owner first.",
    });
    const demote = await update(managerToken, owner.id, { role: "member" });
    expect(demote.status).toBe(422);
    expect(demote.body.detail[0].msg).toBe("Cannot demote the only owner. The team must have at least one owner.");
    const removeOwner = await remove(managerToken, owner.id);
    expect(removeOwner.status).toBe(422);
    expect(removeOwner.body.detail[0]).toMatchObject({
      loc: ["path", "id"],
      msg: "Cannot remove the only owner. Transfer ownership first.",
    });
    const roles = (await list(ownerToken)).body.items.map((m: { role: string }) => m.role);
    expect(roles.filter((r: string) => r === "owner")).toHaveLength(1);
    expect(await received()).toEqual([]);
  });
});

describe("boundaries", () => {
  it("answers 404 for members of another customer or organization", async () => {
    const mine = await team();
    const theirs = await team();
    const other = otherOrganization(emu);
    await make("organizations:update", {
      params: { id: other.organizationId },
      body: MEMBER_MODEL,
      token: other.token,
    });
    const foreign = await make("customers:create", {
      body: { type: "team", email: `foreign-${unique()}@example.com` },
      token: other.token,
    });
    const foreignMember = await make("customers:members:create", {
      params: { id: foreign.id },
      body: { email: `fm-${unique()}@example.com` },
      token: other.token,
    });
    for (const id of [theirs.member.id, foreignMember.id, uuid()]) {
      for (const res of [
        await update(mine.ownerToken, id, { role: "billing_manager" }),
        await remove(mine.ownerToken, id),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error).toBe("ResourceNotFound");
      }
    }
    const listed = await list(mine.ownerToken);
    expect(listed.body.items.map((m: { id: string }) => m.id)).not.toContain(theirs.member.id);
    const stillThere = await make("members:list_members", { query: `customer_id=${theirs.customer.id}` });
    expect(stillThere.items.find((m: { id: string }) => m.id === theirs.member.id).role).toBe("member");
  });

  it("answers 422 naming the field for malformed input", async () => {
    const { member, ownerToken } = await team();
    const tries: [ReturnType<typeof send>, (string | number)[]][] = [
      [add(ownerToken, {}), ["body", "email"]],
      [add(ownerToken, { email: "not-an-email" }), ["body", "email"]],
      [add(ownerToken, { email: `r-${unique()}@example.com`, role: "admin" }), ["body", "role"]],
      [add(ownerToken, { email: 42 }), ["body", "email"]],
      [update(ownerToken, "not-a-uuid", { name: "X" }), ["path", "id"]],
      [update(ownerToken, member.id, { role: "boss" }), ["body", "role"]],
      [update(ownerToken, member.id, { name: "x".repeat(257) }), ["body", "name"]],
      [remove(ownerToken, "../../members"), ["path", "id"]],
    ];
    for (const [pending, loc] of tries) {
      const res = await pending;
      expect(res.status, JSON.stringify(loc)).toBe(422);
      expect(
        res.body.detail.some((d: { loc: unknown[] }) => JSON.stringify(d.loc.slice(0, 2)) === JSON.stringify(loc)),
        JSON.stringify(res.body.detail),
      ).toBe(true);
    }
    expect(await received()).toEqual([]);
  });
});
