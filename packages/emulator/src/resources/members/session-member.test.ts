import { describe, expect, it } from "vitest";
import { contractKit } from "../../../test/contract/kit";
import { seatKit } from "../../../test/contract/recipes-members";
import { call, otherOrganization, useEmulator } from "../../../test/harness";
import { uuid } from "../../ids";

const { emu } = await useEmulator();
const kit = contractKit(emu);
const { make, send, unique, paidOrder, newFreeMonthly } = kit;
const { teamWithMember } = seatKit(kit);

const MEMBER_MODEL = { feature_settings: { seat_based_pricing_enabled: true, member_model_enabled: true } };
await make("organizations:update", { params: { id: emu.organizationId }, body: MEMBER_MODEL });

const openSession = (body: Record<string, unknown>, token?: string) =>
  send("customer-sessions:create", { body, token });
const whoAmI = (token: string) => make("customer_portal:customer-session:get_authenticated_user", { token });

describe("member sessions from customer-sessions:create", () => {
  it("opens a one-hour polar_mst_ session for a member named by id or external id", async () => {
    const { customer, member } = await teamWithMember();
    const byId = await openSession({
      customer_id: customer.id,
      member_id: member.id,
      return_url: "https://shop.example",
    });
    expect(byId.status).toBe(201);
    expect(byId.body.token).toMatch(/^polar_mst_/);
    expect(byId.body).toMatchObject({ customer_id: customer.id, return_url: "https://shop.example" });
    expect(byId.body.customer.id).toBe(customer.id);
    expect(byId.body.customer_portal_url).toBe(`${emu.url}/portal?customer_session_token=${byId.body.token}`);
    const lifetime = new Date(byId.body.expires_at).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60 * 1000);

    const byExternal = await openSession({
      external_customer_id: customer.external_id,
      external_member_id: member.external_id,
    });
    expect(byExternal.status).toBe(201);
    expect(byExternal.body.token).toMatch(/^polar_mst_/);
    expect(byExternal.body.token).not.toBe(byId.body.token);

    for (const token of [byId.body.token, byExternal.body.token]) {
      expect(await whoAmI(token)).toEqual({
        type: "member",
        name: "Member",
        email: member.email,
        customer_id: customer.id,
        member_id: member.id,
        role: "member",
      });
    }
    const session = await make("customer_portal:customer-session:introspect", { token: byId.body.token });
    expect(session).toEqual({ expires_at: byId.body.expires_at, return_url: "https://shop.example" });
  });

  it("opens an individual customer's session as their owner, creating the owner once", async () => {
    const order = await paidOrder();
    const first = await openSession({ customer_id: order.customer_id });
    expect(first.body.token).toMatch(/^polar_mst_/);
    const owner = await whoAmI(first.body.token);
    expect(owner).toMatchObject({ type: "member", role: "owner", customer_id: order.customer_id });
    expect(owner.email).toBe(order.customer.email);
    const again = await whoAmI((await openSession({ customer_id: order.customer_id })).body.token);
    expect(again.member_id).toBe(owner.member_id);
    const members = await make("members:list_members", { query: `customer_id=${order.customer_id}` });
    expect(members.items).toHaveLength(1);
  });

  it("answers 422 naming the field for members it cannot find for that customer", async () => {
    const { customer } = await teamWithMember();
    const elsewhere = await teamWithMember();
    const tries = [
      [{ customer_id: customer.id, member_id: uuid() }, "member_id", "Member does not exist for this customer."],
      [
        { customer_id: customer.id, member_id: elsewhere.member.id },
        "member_id",
        "Member does not exist for this customer.",
      ],
      [
        { customer_id: customer.id, external_member_id: elsewhere.member.external_id },
        "external_member_id",
        "Member does not exist for this customer.",
      ],
      [{ customer_id: customer.id }, "member_id", "member_id is required for team customers."],
      [{ customer_id: uuid(), member_id: elsewhere.member.id }, "customer_id", "Customer does not exist."],
    ] as const;
    for (const [body, field, msg] of tries) {
      const res = await openSession(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail[0]).toMatchObject({ loc: ["body", field], msg });
    }
    const malformed = await openSession({ customer_id: customer.id, member_id: "not-a-uuid" });
    expect(malformed.status).toBe(422);
    expect(JSON.stringify(malformed.body.detail)).toContain("member_id");
  });

  it("keeps issuing customer sessions where the member model is off, as Polar does", async () => {
    const other = otherOrganization(emu);
    const customer = await make("customers:create", {
      body: { email: `off-${unique()}@example.com` },
      token: other.token,
    });
    const res = await openSession({ customer_id: customer.id, member_id: uuid() }, other.token);
    expect(res.status).toBe(201);
    expect(res.body.token).toMatch(/^polar_cst_/);
    expect((await whoAmI(res.body.token)).type).toBe("customer");
  });
});

describe("a member session in the portal", () => {
  it("acts for its customer on the shared portal operations", async () => {
    const order = await paidOrder();
    const { token } = (await openSession({ customer_id: order.customer_id })).body;
    const orders = await make("customer_portal:orders:list", { token });
    expect(orders.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const me = await make("customer_portal:customers:get", { token });
    expect(me.id).toBe(order.customer_id);
    const page = await call(emu, "GET", `/portal?customer_session_token=${token}`, { token: null });
    expect(page.status).toBe(200);
  });

  it("is refused on the Core API (401)", async () => {
    const { customer, member } = await teamWithMember();
    const { token } = (await openSession({ customer_id: customer.id, member_id: member.id })).body;
    for (const id of ["products:list", "customers:list", "members:list_members"]) {
      const res = await send(id, { token });
      expect(res.status, id).toBe(401);
    }
  });

  it("needs a billing role to change or cancel a subscription", async () => {
    const { customer, owner, member } = await teamWithMember();
    const product = await newFreeMonthly();
    const subscription = await make("subscriptions:create", {
      body: { customer_id: customer.id, product_id: product.id },
    });
    const plain = (await openSession({ customer_id: customer.id, member_id: member.id })).body.token;
    const listed = await make("customer_portal:subscriptions:list", { token: plain });
    expect(listed.items.map((s: { id: string }) => s.id)).toEqual([subscription.id]);
    const refused = await send("customer_portal:subscriptions:cancel", {
      token: plain,
      params: { id: subscription.id },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("NotPermitted");
    const update = await send("customer_portal:subscriptions:update", {
      token: plain,
      params: { id: subscription.id },
      body: { cancel_at_period_end: true },
    });
    expect(update.status).toBe(403);
    // The hosted page's forms apply the same rule.
    const form = await fetch(`${emu.url}/portal/subscriptions/${subscription.id}/cancel`, {
      method: "POST",
      body: new URLSearchParams({ customer_session_token: plain }),
      redirect: "manual",
    });
    expect(form.status).toBe(403);
    expect(await form.text()).toContain("Only owners and billing managers can access billing features.");
    expect((await make("subscriptions:get", { params: { id: subscription.id } })).cancel_at_period_end).toBe(false);

    const ownerToken = (await openSession({ customer_id: customer.id, member_id: owner.id })).body.token;
    const canceled = await send("customer_portal:subscriptions:cancel", {
      token: ownerToken,
      params: { id: subscription.id },
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body.cancel_at_period_end).toBe(true);
  });

  it("ends when its member is removed, and after an hour", async () => {
    const { customer, member, owner } = await teamWithMember();
    const gone = (await openSession({ customer_id: customer.id, member_id: member.id })).body.token;
    const kept = (await openSession({ customer_id: customer.id, member_id: owner.id })).body.token;
    await make("customers:members:delete", { params: { id: customer.id, member_id: member.id } });
    const res = await send("customer_portal:customers:get", { token: gone });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe("invalid_token");
    expect((await send("customer_portal:customers:get", { token: kept })).status).toBe(200);

    emu.advanceClock(60 * 60 * 1000 + 1000);
    const expired = await send("customer_portal:customers:get", { token: kept });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toBe("invalid_token");
  });
});
