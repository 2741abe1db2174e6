// The customer's wallets, derived from their orders. Polar keeps one billing wallet per currency,
// made on the first balance transaction; its balance is the sum of those transactions. The emulator
// has no top-ups or credits, so it shows a wallet for each currency the customer was billed in,
// from their first order in it, and its balance is what their orders applied from the balance
// (`applied_balance_amount`, 0 as long as nothing credits a balance).
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import { paginate } from "../../pagination";
import { type Customer, sortWith } from "../commerce/shared";
import { customerOrders } from "./orders";
import { derivedUuid, presentAs } from "./present";
import { billingCustomer } from "./scope";

interface Wallet extends Record<string, unknown> {
  id: string;
  created_at: string;
  modified_at: string | null;
  customer_id: string;
  balance: number;
  currency: string;
}

/** The customer's wallets, one per currency of their orders. */
function customerWallets(state: EmulatorState, customer: Customer): Wallet[] {
  const byCurrency = new Map<string, Wallet>();
  for (const order of customerOrders(state, customer)) {
    const wallet = byCurrency.get(order.currency) ?? {
      id: derivedUuid("wallet", customer.id, order.currency),
      created_at: order.created_at,
      modified_at: null,
      customer_id: customer.id,
      balance: 0,
      currency: order.currency,
    };
    if (order.applied_balance_amount) {
      wallet.balance += order.applied_balance_amount;
      wallet.modified_at = order.modified_at ?? order.created_at;
    }
    byCurrency.set(order.currency, wallet);
  }
  return [...byCurrency.values()];
}

const present = (state: EmulatorState, wallet: Wallet) => presentAs("CustomerWallet", wallet, state.clock.iso());

export const walletApiHandlers: OperationHandlers = {
  "customer_portal:wallets:list": ({ state, subject, query }) => {
    const customer = billingCustomer(state, subject);
    const page = paginate(sortWith(customerWallets(state, customer), query.sorting, ["-created_at"]), query);
    return { ...page, items: page.items.map((wallet) => present(state, wallet)) };
  },
  "customer_portal:wallets:get": ({ state, subject, params }) => {
    const customer = billingCustomer(state, subject);
    const wallet = customerWallets(state, customer).find((w) => w.id === params.id);
    if (!wallet) throw notFound();
    return present(state, wallet);
  },
};
