import { type Client, type ClientOptions, createClient } from "./client";
import { type OperationTree, operationTree } from "./generated/sdk";

// Drops the leading `client` argument from every function of the operation tree.
type Bound<T> = {
  [K in keyof T]: T[K] extends (client: Client, ...args: infer A) => infer R ? (...args: A) => R : Bound<T[K]>;
};

/** The whole Polar API: `polar.<group>.<operation>(…)`, plus the `client` it runs on. */
export type Polar = Bound<OperationTree> & { readonly client: Client };

function bind(node: object, client: Client): object {
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      typeof value === "function" ? (...args: unknown[]) => value(client, ...args) : bind(value, client),
    ]),
  );
}

/**
 * Creates a client for every operation of the Polar API (Core, Customer Portal and OAuth 2.0).
 *
 * @example
 * import { createPolar } from "@polar-kit/core";
 * const polar = createPolar({ accessToken: process.env.POLAR_ACCESS_TOKEN, server: "sandbox" });
 * const checkout = await polar.checkouts.create({ products: [productId] });
 * for await (const order of polar.orders.list({ limit: 100 })) console.log(order.id);
 */
export function createPolar(options: ClientOptions = {}): Polar {
  const client = createClient(options);
  return { ...(bind(operationTree, client) as Bound<OperationTree>), client };
}
