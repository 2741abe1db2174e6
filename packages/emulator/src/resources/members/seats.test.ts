import { afterAll, describe, expect, it } from "vitest";
import { contractKit } from "../../../test/contract/kit";
import { SEAT_PRICE, seatKit } from "../../../test/contract/recipes-members";
import { call, otherOrganization, useEmulator } from "../../../test/harness";
import { startReceiver } from "../../../test/webhooks-support";
import { validatorAt } from "../../validate";

const { emu } = await useEmulator({ webhooks: { retryDelaysMs: [] } });
const kit = contractKit(emu);
const { make, send, unique, BILLING } = kit;
const { seatPurchase, invitationToken, pendingSeat, teamWithMember } = seatKit(kit);

const receiver = await startReceiver();
afterAll(() => receiver.close());
await make("webhooks:create_webhook_endpoint", {
  body: {
    url: receiver.url,
    format: "raw",
    events: ["customer_seat.assigned", "customer_seat.claimed", "customer_seat.revoked", "member.created"],
  },
});

/** The webhooks received since the last call, each checked against the spec's payload schema. */
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
  return events;
}

const assign = (body: Record<string, unknown>, token?: string | null) =>
  send("customer-seats:assign_seat", { body, token });
const newEmail = () => `holder-${unique()}@example.com`;

/** A seat-based product with a custom benefit, so claims have something to grant. */
async function productWithPerk() {
  const benefit = await make("benefits:create", {
    body: { type: "custom", description: `Team perk ${unique()}`, properties: { note: "Welcome" } },
  });
  const product = await make("products:create", {
    body: { name: `Perk seats ${unique()}`, recurring_interval: "month", prices: [SEAT_PRICE] },
  });
  await make("products:update_benefits", { params: { id: product.id }, body: { benefits: [benefit.id] } });
  const checkout = await make("checkouts:create", { body: { products: [product.id], seats: 2 } });
  await make("checkouts:client_confirm", {
    params: { client_secret: checkout.client_secret },
    body: { customer_email: `buyer-${unique()}@example.com`, ...BILLING },
    token: null,
  });
  const { customer_id } = await make("checkouts:get", { params: { id: checkout.id } });
  const [subscription] = (await make("subscriptions:list", { query: `customer_id=${customer_id}` })).items;
  return { benefit, subscription };
}

describe("assigning seats", () => {
  it("assigns up to the purchased seat count and refuses one more", async () => {
    const { subscription } = await seatPurchase(2);
    expect(subscription.seats).toBe(2);
    const first = await assign({ subscription_id: subscription.id, email: newEmail() });
    const second = await assign({ subscription_id: subscription.id, email: newEmail(), metadata: { desk: 4 } });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body).toMatchObject({ status: "pending", subscription_id: subscription.id, order_id: null });
    expect(first.body.invitation_token_expires_at).toEqual(expect.any(String));
    expect(second.body.seat_metadata).toEqual({ desk: 4 });
    expect(first.body.member).toMatchObject({ email: first.body.customer_email, role: "member" });

    const third = await assign({ subscription_id: subscription.id, email: newEmail() });
    expect(third.status).toBe(400);
    expect(third.body).toEqual({ error: "SeatNotAvailable", detail: `No available seats for ${subscription.id}` });

    const list = await make("customer-seats:list_seats", { query: `subscription_id=${subscription.id}` });
    expect(list).toMatchObject({ total_seats: 2, available_seats: 0 });
    expect(list.seats.map((s: { id: string }) => s.id)).toEqual([first.body.id, second.body.id]);
  });

  it("keeps the seat count at or above the seats handed out", async () => {
    const { subscription } = await seatPurchase(3);
    await assign({ subscription_id: subscription.id, email: newEmail() });
    const revoked = await assign({ subscription_id: subscription.id, email: newEmail() });
    await make("customer-seats:revoke_seat", { params: { seat_id: revoked.body.id } });
    const setSeats = (seats: number) =>
      send("subscriptions:update", { params: { id: subscription.id }, body: { seats } });
    // One seat is assigned (the revoked one is free again): down to 1 is allowed.
    expect((await setSeats(1)).status).toBe(200);
    await assign({ subscription_id: subscription.id, email: newEmail() }).then((res) => expect(res.status).toBe(400));
    const raised = await setSeats(2);
    expect(raised.status).toBe(200);
    await assign({ subscription_id: subscription.id, email: newEmail() });
    const tooLow = await setSeats(1);
    expect(tooLow.status).toBe(400);
    expect(tooLow.body.error).toBe("SeatsAlreadyAssigned");
    expect((await make("subscriptions:get", { params: { id: subscription.id } })).seats).toBe(2);
  });

  it("gives one seat per holder, found by email, customer id or external id", async () => {
    const { subscription } = await seatPurchase(4);
    const customer = await kit.newCustomer();
    const byId = await assign({ subscription_id: subscription.id, customer_id: customer.id });
    expect(byId.status).toBe(200);
    expect(byId.body.customer_id).toBe(customer.id);
    for (const again of [
      { customer_id: customer.id },
      { external_customer_id: customer.external_id },
      { email: customer.email },
    ]) {
      const res = await assign({ subscription_id: subscription.id, ...again });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("SeatAlreadyAssigned");
    }
    const unknown = await assign({ subscription_id: subscription.id, external_customer_id: `nobody-${unique()}` });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe("CustomerNotFound");
  });

  it("creates the customer and its member for a new email", async () => {
    const { subscription } = await seatPurchase(1);
    const email = newEmail();
    const { body: seat } = await assign({ subscription_id: subscription.id, email });
    const customers = await make("customers:list", { query: `email=${encodeURIComponent(email)}` });
    expect(customers.items).toHaveLength(1);
    expect(seat.customer_id).toBe(customers.items[0].id);
    const members = await make("members:list_members", { query: `customer_id=${seat.customer_id}` });
    expect(members.items).toEqual([seat.member]);
  });

  it("assigns to an existing member by id or external id, or to a new member with an external id", async () => {
    const { subscription } = await seatPurchase(3);
    const { customer, owner, member } = await teamWithMember();
    const byId = await assign({ subscription_id: subscription.id, member_id: member.id });
    expect(byId.body).toMatchObject({ customer_id: customer.id, member_id: member.id, member: { id: member.id } });
    // The member's customer already holds a seat of this subscription.
    const sameCustomer = await assign({ subscription_id: subscription.id, external_member_id: owner.external_id });
    expect(sameCustomer.status).toBe(400);
    expect(sameCustomer.body.error).toBe("SeatAlreadyAssigned");

    const email = newEmail();
    const tagged = await assign({ subscription_id: subscription.id, email, external_member_id: `ext-${unique()}` });
    expect(tagged.status).toBe(200);
    expect(tagged.body.member).toMatchObject({ email, external_id: expect.stringMatching(/^ext-/) });
    const missing = await assign({ subscription_id: subscription.id, member_id: crypto.randomUUID() });
    expect(missing.status).toBe(404);
    const other = otherOrganization(emu);
    const foreign = await send("customer-seats:assign_seat", {
      token: other.token,
      body: { subscription_id: subscription.id, member_id: member.id },
    });
    expect(foreign.status).toBe(404);
  });

  it("assigns the seats of a paid one-time order", async () => {
    const product = await make("products:create", { body: { name: `Pack ${unique()}`, prices: [SEAT_PRICE] } });
    const checkout = await make("checkouts:create", { body: { products: [product.id], seats: 1 } });
    await make("checkouts:client_confirm", {
      params: { client_secret: checkout.client_secret },
      body: { customer_email: newEmail(), ...BILLING },
      token: null,
    });
    const [order] = (await make("orders:list", { query: `checkout_id=${checkout.id}` })).items;
    expect(order.seats).toBe(1);
    const seat = await assign({ order_id: order.id, email: newEmail() });
    expect(seat.body).toMatchObject({ order_id: order.id, subscription_id: null, status: "pending" });
    expect((await assign({ order_id: order.id, email: newEmail() })).status).toBe(400);
  });

  it("has no seats to give on a purchase that is not seat-based", async () => {
    const order = await kit.paidOrder();
    const res = await assign({ order_id: order.id, email: newEmail() });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("SeatNotAvailable");
  });

  it("claims at once with immediate_claim, without an invitation", async () => {
    const { subscription } = await seatPurchase(1);
    await received();
    const { body: seat } = await assign({ subscription_id: subscription.id, email: newEmail(), immediate_claim: true });
    expect(seat).toMatchObject({ status: "claimed", invitation_token_expires_at: null });
    expect(seat.claimed_at).toEqual(expect.any(String));
    const invitation = await call(emu, "GET", `/__emulator/customer-seats/${seat.id}/invitation`, { token: null });
    expect(invitation.status).toBe(404);
    // Polar makes the holder's member without a `member.created`.
    expect((await received()).map((e) => e.type)).toEqual(["customer_seat.claimed"]);
  });
});

describe("claiming a seat", () => {
  it("shows the invitation, claims it once with the token, and grants the product's benefits", async () => {
    const { benefit, subscription } = await productWithPerk();
    await received();
    const email = newEmail();
    const { body: seat } = await assign({ subscription_id: subscription.id, email });
    const token = await invitationToken(seat.id);

    const info = await send("customer-seats:get_claim_info", { params: { invitation_token: token }, token: null });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      product_id: subscription.product_id,
      customer_email: email,
      can_claim: true,
    });

    const claim = await send("customer-seats:claim_seat", { body: { invitation_token: token }, token: null });
    expect(claim.status).toBe(200);
    expect(claim.body.seat).toMatchObject({ id: seat.id, status: "claimed", customer_id: seat.customer_id });
    expect(claim.body.customer_session_token).toMatch(/^polar_cst_/);

    // The session is the holder's: the portal shows the subscription they hold a seat of.
    const held = await make("customer_portal:seats:list_claimed_subscriptions", {
      token: claim.body.customer_session_token,
    });
    expect(held.items.map((s: { id: string }) => s.id)).toEqual([subscription.id]);
    const grants = await make("benefit-grants:list", { query: `customer_id=${seat.customer_id}` });
    expect(grants.items).toHaveLength(1);
    expect(grants.items[0]).toMatchObject({ benefit_id: benefit.id, is_granted: true, member_id: seat.member_id });

    const reuse = await send("customer-seats:claim_seat", { body: { invitation_token: token }, token: null });
    expect(reuse.status).toBe(400);
    expect(reuse.body).toEqual({ error: "InvalidInvitationToken", detail: "Invalid or expired invitation token" });
    const gone = await send("customer-seats:get_claim_info", { params: { invitation_token: token }, token: null });
    expect(gone.status).toBe(404);

    const types = (await received()).map((e) => e.type);
    expect(types).toEqual(["customer_seat.assigned", "customer_seat.claimed"]);
  });

  it("refuses unknown and expired tokens", async () => {
    for (const token of ["not-a-token", "x".repeat(43), "a/b?c", "' OR 1=1 --", "é".repeat(2000)]) {
      const info = await send("customer-seats:get_claim_info", { params: { invitation_token: token }, token: null });
      expect(info.status).toBe(404);
      const claim = await send("customer-seats:claim_seat", { body: { invitation_token: token }, token: null });
      expect(claim.status).toBe(400);
    }
    const { invitation } = await pendingSeat();
    emu.advanceClock(25 * 60 * 60 * 1000);
    const info = await send("customer-seats:get_claim_info", { params: { invitation_token: invitation }, token: null });
    expect(info.status).toBe(404);
    const claim = await send("customer-seats:claim_seat", { body: { invitation_token: invitation }, token: null });
    expect(claim.status).toBe(400);
    expect(claim.body.error).toBe("InvalidInvitationToken");
  });

  it("refuses a claim body without a token", async () => {
    for (const body of [{}, { invitation_token: 42 }]) {
      const res = await send("customer-seats:claim_seat", { body, token: null });
      expect(res.status).toBe(422);
      expect(res.body.detail[0].loc).toEqual(["body", "invitation_token"]);
    }
  });
});

describe("revoking and re-inviting", () => {
  it("revokes a claimed seat: benefits go, the seat is free and reused by the next assignment", async () => {
    const { subscription } = await productWithPerk();
    const { body: seat } = await assign({ subscription_id: subscription.id, email: newEmail() });
    await make("customer-seats:claim_seat", {
      body: { invitation_token: await invitationToken(seat.id) },
      token: null,
    });
    await received();

    const revoked = await send("customer-seats:revoke_seat", { params: { seat_id: seat.id } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: seat.id, status: "revoked", customer_id: null });
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    const grants = await make("benefit-grants:list", { query: `customer_id=${seat.customer_id}` });
    expect(grants.items[0]).toMatchObject({ is_granted: false, is_revoked: true });
    const list = await make("customer-seats:list_seats", { query: `subscription_id=${subscription.id}` });
    expect(list).toMatchObject({ total_seats: 2, available_seats: 2 });
    expect((await received()).map((e) => e.type)).toEqual(["customer_seat.revoked"]);

    const next = await assign({ subscription_id: subscription.id, email: newEmail() });
    expect(next.body).toMatchObject({ id: seat.id, status: "pending", revoked_at: null, claimed_at: null });
  });

  it("re-sends a pending invitation and refuses it for a claimed seat", async () => {
    const { seat, invitation } = await pendingSeat();
    const resent = await send("customer-seats:resend_invitation", { params: { seat_id: seat.id } });
    expect(resent.status).toBe(200);
    expect(resent.body.status).toBe("pending");
    const sent = await call(emu, "GET", `/__emulator/customer-seats/${seat.id}/invitation`, { token: null });
    expect(sent.body).toMatchObject({ invitation_token: invitation, sent_count: 2 });

    await make("customer-seats:claim_seat", { body: { invitation_token: invitation }, token: null });
    const again = await send("customer-seats:resend_invitation", { params: { seat_id: seat.id } });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("SeatNotPending");
  });

  it("revokes the seats of a subscription that ends", async () => {
    const { subscription, seat } = await pendingSeat();
    await make("subscriptions:revoke", { params: { id: subscription.id } });
    emu.advanceClock(1000);
    const list = await make("customer-seats:list_seats", { query: `subscription_id=${subscription.id}` });
    expect(list.seats.map((s: { id: string; status: string }) => [s.id, s.status])).toEqual([[seat.id, "revoked"]]);
    expect(list.available_seats).toBe(0);
    const res = await assign({ subscription_id: subscription.id, email: newEmail() });
    expect(res.status).toBe(400);
  });
});

describe("boundaries", () => {
  it("keeps another organization's subscriptions, orders and seats out of reach (404)", async () => {
    const { subscription, seat } = await pendingSeat();
    const other = otherOrganization(emu);
    const as = { token: other.token };
    const tries = [
      send("customer-seats:assign_seat", { ...as, body: { subscription_id: subscription.id, email: newEmail() } }),
      send("customer-seats:list_seats", { ...as, query: `subscription_id=${subscription.id}` }),
      send("customer-seats:revoke_seat", { ...as, params: { seat_id: seat.id } }),
      send("customer-seats:resend_invitation", { ...as, params: { seat_id: seat.id } }),
    ];
    for (const res of await Promise.all(tries)) {
      expect(res.status).toBe(404);
      expect(res.body.error).toBe("ResourceNotFound");
    }
    const mine = await make("customer-seats:list_seats", { query: `subscription_id=${subscription.id}` });
    expect(mine.seats[0].status).toBe("pending");
  });

  it("answers 422 naming the malformed field", async () => {
    const { subscription } = await seatPurchase(1);
    const cases: [Record<string, unknown>, (string | number)[]][] = [
      [{ subscription_id: subscription.id, email: "not an email" }, ["body", "email"]],
      [{ subscription_id: "nope", email: newEmail() }, ["body", "subscription_id"]],
      [{ subscription_id: subscription.id, email: newEmail(), immediate_claim: "yes" }, ["body", "immediate_claim"]],
      [{ subscription_id: subscription.id, email: newEmail(), metadata: "x" }, ["body", "metadata"]],
    ];
    for (const [body, loc] of cases) {
      const res = await assign(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
    }
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    const res = await assign({ subscription_id: subscription.id, email: newEmail(), metadata: tooMany });
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(["body", "metadata"]);

    const badPath = await send("customer-seats:revoke_seat", { params: { seat_id: "123" } });
    expect(badPath.status).toBe(422);
    expect(badPath.body.detail[0].loc).toEqual(["path", "seat_id"]);
    const badQuery = await send("customer-seats:list_seats", { query: "subscription_id=nope" });
    expect(badQuery.status).toBe(422);
    expect(badQuery.body.detail[0].loc).toEqual(["query", "subscription_id"]);
    const unknownSeat = await send("customer-seats:revoke_seat", { params: { seat_id: crypto.randomUUID() } });
    expect(unknownSeat.status).toBe(404);
  });

  it("needs one container and exactly one holder", async () => {
    const { subscription } = await seatPurchase(1);
    const none = await assign({ email: newEmail() });
    expect(none.status).toBe(400);
    expect(none.body.error).toBe("BadRequest");
    const listNone = await send("customer-seats:list_seats", {});
    expect(listNone.status).toBe(400);
    for (const body of [{}, { email: newEmail(), customer_id: crypto.randomUUID() }]) {
      const res = await assign({ subscription_id: subscription.id, ...body });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("InvalidSeatAssignmentRequest");
    }
  });

  it("needs an organization token for the Core API, and none to claim", async () => {
    const { subscription } = await seatPurchase(1);
    const res = await assign({ subscription_id: subscription.id, email: newEmail() }, null);
    expect(res.status).toBe(401);
    const scoped = await call(emu, "POST", "/__emulator/tokens", { body: { scopes: ["customer_seats:read"] } });
    const readOnly = await assign({ subscription_id: subscription.id, email: newEmail() }, scoped.body.token);
    expect(readOnly.status).toBe(403);
  });

  it("answers 403 when the organization switched seat-based pricing off", async () => {
    const { subscription, seat, invitation } = await pendingSeat();
    const org = { params: { id: emu.organizationId } };
    await make("organizations:update", { ...org, body: { feature_settings: { seat_based_pricing_enabled: false } } });
    try {
      const tries = [
        assign({ subscription_id: subscription.id, email: newEmail() }),
        send("customer-seats:list_seats", { query: `subscription_id=${subscription.id}` }),
        send("customer-seats:revoke_seat", { params: { seat_id: seat.id } }),
        send("customer-seats:get_claim_info", { params: { invitation_token: invitation }, token: null }),
        send("customer-seats:claim_seat", { body: { invitation_token: invitation }, token: null }),
      ];
      for (const res of await Promise.all(tries)) {
        expect(res.status).toBe(403);
        expect(res.body.error).toBe("FeatureNotEnabled");
      }
    } finally {
      await make("organizations:update", { ...org, body: { feature_settings: { seat_based_pricing_enabled: true } } });
    }
  });
});
