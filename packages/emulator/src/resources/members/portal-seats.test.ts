import { describe, expect, it } from "vitest";
import { contractKit } from "../../../test/contract/kit";
import { seatKit } from "../../../test/contract/recipes-members";
import { otherOrganization, useEmulator } from "../../../test/harness";

const { emu } = await useEmulator();
const kit = contractKit(emu);
const { make, send, unique } = kit;
const { seatPurchase, pendingSeat, invitationToken } = seatKit(kit);

const newEmail = () => `portal-holder-${unique()}@example.com`;

describe("portal seats of the session's customer", () => {
  it("assigns through the checkout, lists, re-invites and revokes", async () => {
    const { token, checkout, subscription } = await seatPurchase(2);
    const assigned = await send("customer_portal:seats:assign_seat", {
      token,
      body: { checkout_id: checkout.id, email: newEmail() },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ subscription_id: subscription.id, status: "pending" });
    const bySubscription = await send("customer_portal:seats:assign_seat", {
      token,
      body: { subscription_id: subscription.id, email: newEmail() },
    });
    expect(bySubscription.status).toBe(200);
    const full = await send("customer_portal:seats:assign_seat", {
      token,
      body: { subscription_id: subscription.id, email: newEmail() },
    });
    expect(full.status).toBe(400);
    expect(full.body.error).toBe("SeatNotAvailable");

    const list = await make("customer_portal:seats:list_seats", { token, query: `subscription_id=${subscription.id}` });
    expect(list).toMatchObject({ total_seats: 2, available_seats: 0 });

    const seatId = assigned.body.id;
    const resent = await send("customer_portal:seats:resend_invitation", { token, params: { seat_id: seatId } });
    expect(resent.status).toBe(200);
    const revoked = await send("customer_portal:seats:revoke_seat", { token, params: { seat_id: seatId } });
    expect(revoked.body).toMatchObject({ id: seatId, status: "revoked" });
    const after = await make("customer_portal:seats:list_seats", {
      token,
      query: `subscription_id=${subscription.id}`,
    });
    expect(after.available_seats).toBe(1);
  });

  it("leaves immediate claims to the Core API", async () => {
    const { token, subscription } = await seatPurchase(1);
    const res = await send("customer_portal:seats:assign_seat", {
      token,
      body: { subscription_id: subscription.id, email: newEmail(), immediate_claim: true },
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("NotPermitted");
  });

  it("lists the subscriptions the customer holds a claimed seat of", async () => {
    const { token: buyerToken, seat, subscription } = await pendingSeat();
    const holder = await make("customer-sessions:create", { body: { customer_id: seat.customer_id } });
    const before = await make("customer_portal:seats:list_claimed_subscriptions", { token: holder.token });
    expect(before.items).toEqual([]);
    await make("customer-seats:claim_seat", {
      body: { invitation_token: await invitationToken(seat.id) },
      token: null,
    });
    const held = await make("customer_portal:seats:list_claimed_subscriptions", { token: holder.token });
    expect(held.items.map((s: { id: string }) => s.id)).toEqual([subscription.id]);
    expect(held.pagination).toEqual({ total_count: 1, max_page: 1 });
    // The buyer holds no seat of their own purchase.
    const buyer = await make("customer_portal:seats:list_claimed_subscriptions", { token: buyerToken });
    expect(buyer.items).toEqual([]);
  });
});

describe("boundaries", () => {
  it("keeps other customers' purchases and seats out of reach (404)", async () => {
    const theirs = await pendingSeat();
    const mine = await seatPurchase(1);
    const { token } = mine;
    const tries = [
      send("customer_portal:seats:list_seats", { token, query: `subscription_id=${theirs.subscription.id}` }),
      send("customer_portal:seats:assign_seat", {
        token,
        body: { subscription_id: theirs.subscription.id, email: newEmail() },
      }),
      send("customer_portal:seats:assign_seat", {
        token,
        body: { checkout_id: theirs.checkout.id, email: newEmail() },
      }),
      send("customer_portal:seats:revoke_seat", { token, params: { seat_id: theirs.seat.id } }),
      send("customer_portal:seats:resend_invitation", { token, params: { seat_id: theirs.seat.id } }),
    ];
    for (const res of await Promise.all(tries)) {
      expect(res.status).toBe(404);
      expect(res.body.error).toBe("ResourceNotFound");
    }
    const still = await make("customer-seats:list_seats", { query: `subscription_id=${theirs.subscription.id}` });
    expect(still.seats[0].status).toBe("pending");
  });

  it("lets the seat holder see their subscription but not manage the buyer's seats", async () => {
    const { seat, subscription } = await pendingSeat();
    const claimed = await make("customer-seats:claim_seat", {
      body: { invitation_token: await invitationToken(seat.id) },
      token: null,
    });
    const token = claimed.customer_session_token;
    const revoke = await send("customer_portal:seats:revoke_seat", { token, params: { seat_id: seat.id } });
    expect(revoke.status).toBe(404);
    const list = await send("customer_portal:seats:list_seats", { token, query: `subscription_id=${subscription.id}` });
    expect(list.status).toBe(404);
  });

  it("keeps another organization's customers out, with their own sessions", async () => {
    const { subscription, seat } = await pendingSeat();
    const other = otherOrganization(emu);
    const customer = await make("customers:create", {
      token: other.token,
      body: { email: `elsewhere-${unique()}@example.com` },
    });
    const { token } = await make("customer-sessions:create", {
      token: other.token,
      body: { customer_id: customer.id },
    });
    const list = await send("customer_portal:seats:list_seats", { token, query: `subscription_id=${subscription.id}` });
    expect(list.status).toBe(404);
    const revoke = await send("customer_portal:seats:revoke_seat", { token, params: { seat_id: seat.id } });
    expect(revoke.status).toBe(404);
  });

  it("needs a customer session and well-formed input", async () => {
    const { token, subscription } = await seatPurchase(1);
    const anonymous = await send("customer_portal:seats:list_seats", {
      token: null,
      query: `subscription_id=${subscription.id}`,
    });
    expect(anonymous.status).toBe(401);
    const organization = await send("customer_portal:seats:list_claimed_subscriptions", {});
    expect(organization.status).toBe(401);

    const badEmail = await send("customer_portal:seats:assign_seat", {
      token,
      body: { subscription_id: subscription.id, email: "nope" },
    });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.detail[0].loc).toEqual(["body", "email"]);
    const badCheckout = await send("customer_portal:seats:assign_seat", {
      token,
      body: { checkout_id: "nope", email: newEmail() },
    });
    expect(badCheckout.status).toBe(422);
    expect(badCheckout.body.detail[0].loc).toEqual(["body", "checkout_id"]);
    const none = await send("customer_portal:seats:list_seats", { token });
    expect(none.status).toBe(400);
    const badLimit = await send("customer_portal:seats:list_claimed_subscriptions", { token, query: "limit=0" });
    expect(badLimit.status).toBe(422);
    expect(badLimit.body.detail[0].loc).toEqual(["query", "limit"]);
  });
});
