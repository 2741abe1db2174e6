import { randomUUID } from "node:crypto";
import { join } from "node:path";
import {
  type Account,
  type FactSink,
  isNotOlder,
  type LicenseKeyFact,
  type OrderFact,
  type SubscriptionFact,
  type User,
} from "@polar-kit/example-store/facts";
import { JsonFile } from "./json-file.js";

interface StoreData {
  users: Record<string, User>;
  orders: Record<string, OrderFact>;
  subscriptions: Record<string, SubscriptionFact>;
  licenseKeys: Record<string, LicenseKeyFact>;
}

const empty = (): StoreData => ({ users: {}, orders: {}, subscriptions: {}, licenseKeys: {} });

const newestFirst = <T>(items: T[], date: (item: T) => string) =>
  items.sort((a, b) => Date.parse(date(b)) - Date.parse(date(a)));

/**
 * The app's data: its users and the facts its webhooks delivered, in `store.json` under the data dir.
 * The Next.js and SvelteKit examples keep the same facts, by the same rules, in SQLite.
 */
export class AppStore implements FactSink {
  readonly #file: JsonFile<StoreData>;

  constructor(dataDir: string) {
    this.#file = new JsonFile(join(dataDir, "store.json"), empty);
  }

  get path(): string {
    return this.#file.path;
  }

  /** The user with this email, created on first sign-in. */
  signIn(email: string): Promise<User> {
    const normalized = email.trim().toLowerCase();
    return this.#file.update((data) => {
      const existing = Object.values(data.users).find((user) => user.email === normalized);
      if (existing) return existing;
      const user = { id: `user_${randomUUID()}`, email: normalized, createdAt: new Date().toISOString() };
      data.users[user.id] = user;
      return user;
    });
  }

  async findUser(id: string): Promise<User | undefined> {
    return (await this.#file.read()).users[id];
  }

  async orderForCheckout(checkoutId: string): Promise<OrderFact | undefined> {
    return Object.values((await this.#file.read()).orders).find((order) => order.checkoutId === checkoutId);
  }

  async account(userId: string): Promise<Account> {
    const data = await this.#file.read();
    const mine = <T extends { externalCustomerId: string | null }>(items: Record<string, T>) =>
      Object.values(items).filter((item) => item.externalCustomerId === userId);
    return {
      orders: newestFirst(mine(data.orders), (o) => o.createdAt),
      subscriptions: newestFirst(mine(data.subscriptions), (s) => s.modifiedAt),
      licenseKeys: newestFirst(mine(data.licenseKeys), (k) => k.modifiedAt),
    };
  }

  async recordOrder(order: OrderFact): Promise<void> {
    await this.#file.update((data) => {
      data.orders[order.id] = order;
    });
  }

  async recordSubscription(subscription: SubscriptionFact): Promise<void> {
    await this.#file.update((data) => {
      if (isNotOlder(subscription, data.subscriptions[subscription.id])) {
        data.subscriptions[subscription.id] = subscription;
      }
    });
  }

  async recordLicenseKey(licenseKey: LicenseKeyFact): Promise<void> {
    await this.#file.update((data) => {
      if (isNotOlder(licenseKey, data.licenseKeys[licenseKey.grantId])) {
        data.licenseKeys[licenseKey.grantId] = licenseKey;
      }
    });
  }
}
