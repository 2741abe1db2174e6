// Contract recipes of the Customer Portal's self-service operations: grant updates, payment methods,
// email change, meters, wallets, and order payment status / retry.
import { KIND, type Subscription } from "../../src/resources/commerce/shared";
import { declineRenewal } from "../../src/resources/portal/payment-status";
import type { ContractKit, Recipes } from "./kit";

export function recipes(kit: ContractKit): Recipes {
  const { emu, make, newCustomer, newMeter, ingested, portalBuyer, portalReader, unique } = kit;

  /** A session token of a new customer who never bought anything. */
  const newSession = async () => {
    const customer = await newCustomer();
    const { token } = await make("customer-sessions:create", { body: { customer_id: customer.id } });
    return { customer, token: token as string };
  };

  const addCard = (token: string, confirmation_token_id = "ctoken_4242424242424242") =>
    make("customer_portal:customers:add_payment_method", {
      token,
      body: { confirmation_token_id, set_default: true, return_url: "https://shop.example/portal" },
    });

  /** A pending email change of a new customer, and its verification token. */
  const pendingEmailChange = async () => {
    const { customer, token } = await newSession();
    await make("customer_portal:customers:request_email_update", {
      token,
      body: { email: `changed-${unique()}@example.com` },
    });
    const res = await fetch(`${emu.url}/__emulator/email-verifications?customer_id=${customer.id}`);
    const { items } = (await res.json()) as { items: { token: string }[] };
    if (!items[0]) throw new Error("no pending email change");
    return items[0].token;
  };

  /** A customer with usage on a meter, and their session. */
  const meteredSession = async () => {
    await newMeter();
    const { customer } = await ingested();
    const { token } = await make("customer-sessions:create", { body: { customer_id: customer.id } });
    return token as string;
  };

  return {
    "customer_portal:benefit-grants:update": async () => {
      const { token, grant } = await portalReader();
      return { token, params: { id: grant.id }, body: { benefit_type: grant.benefit.type } };
    },
    "customer_portal:customers:list_payment_methods": async () => ({ token: (await portalReader()).token }),
    "customer_portal:customers:add_payment_method": async () => ({
      token: (await newSession()).token,
      body: { confirmation_token_id: "ctoken_4242424242424242", set_default: true, return_url: "https://x.example" },
    }),
    "customer_portal:customers:confirm_payment_method": async () => {
      const { token } = await newSession();
      const setup = await addCard(token, "ctoken_4000002500003155");
      return { token, body: { setup_intent_id: String(setup.client_secret).split("_secret_")[0], set_default: true } };
    },
    "customer_portal:customers:delete_payment_method": async () => {
      const { token } = await newSession();
      const added = await addCard(token);
      return { token, params: { id: added.payment_method.id } };
    },
    "customer_portal:customers:request_email_update": async () => ({
      token: (await newSession()).token,
      body: { email: `new-${unique()}@example.com` },
    }),
    "customer_portal:customers:check_email_update": async () => ({
      token: null,
      query: `token=${encodeURIComponent(await pendingEmailChange())}`,
    }),
    "customer_portal:customers:verify_email_update": async () => ({
      token: null,
      body: { token: await pendingEmailChange() },
    }),
    "customer_portal:customer_meters:list": async () => ({ token: await meteredSession() }),
    "customer_portal:customer_meters:get": async () => {
      const token = await meteredSession();
      const [meter] = (await make("customer_portal:customer_meters:list", { token })).items;
      return { token, params: { id: meter.id } };
    },
    "customer_portal:orders:get_payment_status": async () => {
      const { token, order } = await portalReader();
      return { token, params: { id: order.id } };
    },
    "customer_portal:orders:confirm_retry_payment": async () => {
      const { token, subscription } = await portalBuyer();
      // The emulator's renewals always pay: put one in the state a declined renewal leaves.
      const stored = emu.state.store.get<Subscription>(KIND.subscription, subscription.id);
      const order = emu.state.db.transaction(() => declineRenewal(emu.state, stored));
      return { token, params: { id: order.id }, body: { confirmation_token_id: "ctoken_4242424242424242" } };
    },
    "customer_portal:wallets:list": async () => ({ token: (await portalReader()).token }),
    "customer_portal:wallets:get": async () => {
      const { token } = await portalReader();
      const [wallet] = (await make("customer_portal:wallets:list", { token })).items;
      return { token, params: { id: wallet.id } };
    },
  };
}
