// Contract recipes of customer members and customer seats (Core API and portal).
import { call } from "../harness";
import type { ContractKit, Recipes } from "./kit";

/** A seat-based monthly price: $10 a seat, any number of seats. */
export const SEAT_PRICE = {
  amount_type: "seat_based",
  price_currency: "usd",
  seat_tiers: { seat_tier_type: "volume", tiers: [{ min_seats: 1, max_seats: null, price_per_seat: 1000 }] },
};

/** Helpers that buy seats and hand out seats, bound to one emulator's contract kit. */
export function seatKit(kit: ContractKit) {
  const { emu, make, unique, BILLING } = kit;

  /** A team plan bought with `seats` seats through a checkout; the buyer, the subscription and a session of the buyer. */
  async function seatPurchase(seats = 3) {
    const product = await make("products:create", {
      body: { name: `Seats ${unique()}`, recurring_interval: "month", prices: [SEAT_PRICE] },
    });
    const checkout = await make("checkouts:create", { body: { products: [product.id], seats } });
    await make("checkouts:client_confirm", {
      params: { client_secret: checkout.client_secret },
      body: { customer_email: `team-${unique()}@example.com`, ...BILLING },
      token: null,
    });
    const { customer_id: customerId } = await make("checkouts:get", { params: { id: checkout.id } });
    const [subscription] = (await make("subscriptions:list", { query: `customer_id=${customerId}` })).items;
    const { token } = await make("customer-sessions:create", { body: { customer_id: customerId } });
    return { product, checkout, customerId: customerId as string, subscription, token: token as string };
  }

  /** The invitation token of a pending seat, read where Polar would have emailed it. */
  async function invitationToken(seatId: string): Promise<string> {
    const res = await call(emu, "GET", `/__emulator/customer-seats/${seatId}/invitation`, { token: null });
    if (res.status !== 200) throw new Error(`no invitation for ${seatId}: ${JSON.stringify(res.body)}`);
    return res.body.invitation_token;
  }

  /** A pending seat of a new purchase, and its invitation token. */
  async function pendingSeat() {
    const purchase = await seatPurchase();
    const seat = await make("customer-seats:assign_seat", {
      body: { subscription_id: purchase.subscription.id, email: `seat-${unique()}@example.com` },
    });
    return { ...purchase, seat, invitation: await invitationToken(seat.id) };
  }

  /** A team customer with one member besides its owner. */
  async function teamWithMember() {
    const customer = await make("customers:create", {
      body: { type: "team", email: `team-${unique()}@example.com`, name: "Team", external_id: `team-${unique()}` },
    });
    const owner = await make("customers:members:create", {
      params: { id: customer.id },
      body: { email: `owner-${unique()}@example.com`, external_id: `owner-${unique()}` },
    });
    await make("customers:members:update", {
      params: { id: customer.id, member_id: owner.id },
      body: { role: "owner" },
    });
    const member = await make("customers:members:create", {
      params: { id: customer.id },
      body: { email: `member-${unique()}@example.com`, name: "Member", external_id: `member-${unique()}` },
    });
    return { customer, owner, member };
  }

  return { seatPurchase, invitationToken, pendingSeat, teamWithMember };
}

export function recipes(kit: ContractKit): Recipes {
  const { make, unique } = kit;
  const { seatPurchase, pendingSeat, teamWithMember } = seatKit(kit);

  return {
    "members:list_members": async () => {
      const { customer } = await teamWithMember();
      return { query: `customer_id=${customer.id}&role=member` };
    },
    "customers:members:create": async () => ({
      params: { id: (await teamWithMember()).customer.id },
      body: { email: `new-${unique()}@example.com`, name: "New", role: "billing_manager" },
    }),
    "customers:members:create_external": async () => ({
      params: { external_id: (await teamWithMember()).customer.external_id },
      body: { email: `new-${unique()}@example.com`, external_id: `new-${unique()}` },
    }),
    "customers:members:get": async () => {
      const { customer, member } = await teamWithMember();
      return { params: { id: customer.id, member_id: member.id } };
    },
    "customers:members:update": async () => {
      const { customer, member } = await teamWithMember();
      return { params: { id: customer.id, member_id: member.id }, body: { name: "Renamed", role: "billing_manager" } };
    },
    "customers:members:delete": async () => {
      const { customer, member } = await teamWithMember();
      return { params: { id: customer.id, member_id: member.id } };
    },
    "customers:members:get_external": async () => {
      const { customer, member } = await teamWithMember();
      return { params: { external_id: customer.external_id, member_external_id: member.external_id } };
    },
    "customers:members:update_external": async () => {
      const { customer, member } = await teamWithMember();
      return {
        params: { external_id: customer.external_id, member_external_id: member.external_id },
        body: { email: `renamed-${unique()}@example.com` },
      };
    },
    "customers:members:delete_external": async () => {
      const { customer, member } = await teamWithMember();
      return { params: { external_id: customer.external_id, member_external_id: member.external_id } };
    },

    "customer-seats:assign_seat": async () => ({
      body: {
        subscription_id: (await seatPurchase()).subscription.id,
        email: `seat-${unique()}@example.com`,
        metadata: { team: "blue" },
      },
    }),
    "customer-seats:list_seats": async () => ({ query: `subscription_id=${(await pendingSeat()).subscription.id}` }),
    "customer-seats:revoke_seat": async () => ({ params: { seat_id: (await pendingSeat()).seat.id } }),
    "customer-seats:resend_invitation": async () => ({ params: { seat_id: (await pendingSeat()).seat.id } }),
    "customer-seats:get_claim_info": async () => ({
      params: { invitation_token: (await pendingSeat()).invitation },
      token: null,
    }),
    "customer-seats:claim_seat": async () => ({
      body: { invitation_token: (await pendingSeat()).invitation },
      token: null,
    }),

    "customer_portal:seats:list_seats": async () => {
      const { token, subscription } = await pendingSeat();
      return { token, query: `subscription_id=${subscription.id}` };
    },
    "customer_portal:seats:assign_seat": async () => {
      const { token, checkout } = await seatPurchase();
      return { token, body: { checkout_id: checkout.id, email: `portal-seat-${unique()}@example.com` } };
    },
    "customer_portal:seats:revoke_seat": async () => {
      const { token, seat } = await pendingSeat();
      return { token, params: { seat_id: seat.id } };
    },
    "customer_portal:seats:resend_invitation": async () => {
      const { token, seat } = await pendingSeat();
      return { token, params: { seat_id: seat.id } };
    },
    "customer_portal:seats:list_claimed_subscriptions": async () => {
      const { invitation } = await pendingSeat();
      const claimed = await make("customer-seats:claim_seat", { body: { invitation_token: invitation }, token: null });
      return { token: claimed.customer_session_token };
    },
  };
}
