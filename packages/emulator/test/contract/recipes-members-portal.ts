// Contract recipes of the Customer Portal's member operations. They need member sessions, which
// Polar issues only for organizations with the member model on: the recipes switch it on in an
// organization of their own, so that the other recipes keep their customer sessions.
import { otherOrganization } from "../harness";
import type { ContractKit, Recipes } from "./kit";

export function recipes(kit: ContractKit): Recipes {
  const { emu, make, unique } = kit;

  let memberModelOrg: Promise<string> | undefined;
  /** The token of an organization with the member model on. */
  const orgToken = () => {
    memberModelOrg ??= (async () => {
      const { organizationId, token } = otherOrganization(emu);
      await make("organizations:update", {
        params: { id: organizationId },
        body: { feature_settings: { seat_based_pricing_enabled: true, member_model_enabled: true } },
        token,
      });
      return token;
    })();
    return memberModelOrg;
  };

  /** A team with an owner and a member, and a member session of the owner. */
  async function ownerSession() {
    const token = await orgToken();
    const customer = await make("customers:create", {
      body: { type: "team", email: `portal-team-${unique()}@example.com`, name: "Portal Team" },
      token,
    });
    // Members are not created as owners: one is promoted.
    const owner = await make("customers:members:create", {
      params: { id: customer.id },
      body: { email: `portal-owner-${unique()}@example.com` },
      token,
    });
    await make("customers:members:update", {
      params: { id: customer.id, member_id: owner.id },
      body: { role: "owner" },
      token,
    });
    const member = await make("customers:members:create", {
      params: { id: customer.id },
      body: { email: `portal-member-${unique()}@example.com` },
      token,
    });
    const session = await make("customer-sessions:create", {
      body: { customer_id: customer.id, member_id: owner.id },
      token,
    });
    return { member, token: session.token as string };
  }

  return {
    "customer_portal:members:list_members": async () => ({ token: (await ownerSession()).token }),
    "customer_portal:members:add_member": async () => ({
      token: (await ownerSession()).token,
      body: { email: `portal-new-${unique()}@example.com`, name: "New", role: "billing_manager" },
    }),
    "customer_portal:members:update_member": async () => {
      const { token, member } = await ownerSession();
      return { token, params: { id: member.id }, body: { name: "Renamed", role: "billing_manager" } };
    },
    "customer_portal:members:remove_member": async () => {
      const { token, member } = await ownerSession();
      return { token, params: { id: member.id } };
    },
  };
}
