// The two API ways to buy without the hosted page: `checkouts:client_confirm` (pays an open
// checkout) and `subscriptions:create` (subscribes a customer to a free recurring product).
import type { Schema } from "@polar-kit/core";
import { organizationOf } from "../../auth";
import type { OperationHandlers } from "../../context";
import { invalid } from "../../errors";
import { applyUpdate } from "./checkout-rules";
import { toPublic } from "./checkout-state";
import { getClientCheckout } from "./checkouts";
import { emitStateChanged } from "./customer-state";
import { findByExternalId, getCustomer } from "./customers";
import { grantBenefits } from "./grants";
import { emitNewOrder, insertOrder } from "./order-store";
import { findProduct, priceAmount, primaryPrice } from "./products";
import { completeCheckout, paymentFromToken } from "./purchase";
import type { Customer } from "./shared";
import { emitNewSubscription, insertSubscription, present } from "./subscription-lifecycle";

type SubscriptionCreate = Schema<"SubscriptionCreateCustomer"> | Schema<"SubscriptionCreateExternalCustomer">;

export const confirmHandlers: OperationHandlers = {
  /**
   * Confirms and pays in one go. There is no Stripe here: without a `confirmation_token_id` the
   * success card pays; a token containing "decline" (or the declined test card) is declined (400).
   * The answer is the checkout at confirmation time (`status: confirmed`), as the API returns it.
   */
  "checkouts:client_confirm": ({ state, params, body }) => {
    const checkout = getClientCheckout(state, params.client_secret as string);
    const updated = applyUpdate(state, checkout, body ?? {}, "confirm");
    const result = completeCheckout(state, updated, paymentFromToken(body?.confirmation_token_id));
    return {
      ...toPublic(state, result.checkout),
      status: "confirmed",
      customer_session_token: result.customerSessionToken,
    };
  },

  "subscriptions:create": ({ state, subject, body }) => {
    const organizationId = organizationOf(subject);
    const input = body as SubscriptionCreate;
    let customer: Customer | undefined;
    if ("customer_id" in input) {
      try {
        customer = getCustomer(state, organizationId, input.customer_id);
      } catch {
        throw invalid(["body", "customer_id"], "Customer does not exist.", "value_error", input.customer_id);
      }
    } else {
      customer = findByExternalId(state, organizationId, input.external_customer_id);
      if (!customer) {
        const loc = ["body", "external_customer_id"];
        throw invalid(loc, "Customer does not exist.", "value_error", input.external_customer_id);
      }
    }
    const product = findProduct(state, organizationId, input.product_id);
    if (!product || product.is_archived) {
      throw invalid(["body", "product_id"], "Product does not exist.", "value_error", input.product_id);
    }
    if (!product.is_recurring) {
      throw invalid(["body", "product_id"], "Product is not a recurring product.", "value_error", input.product_id);
    }
    const price = primaryPrice(product.prices);
    if (priceAmount(price, {}) !== 0 || price?.amount_type !== "fixed") {
      throw invalid(["body", "product_id"], "Product is not free.", "value_error", input.product_id);
    }
    const subscription = insertSubscription(state, {
      customer,
      product,
      price,
      amount: 0,
      currency: price.price_currency,
      discount: null,
      seats: null,
      checkoutId: null,
      metadata: input.metadata ?? {},
      customFieldData: {},
      trial: null,
    });
    const order = insertOrder(state, {
      organizationId,
      customer,
      product,
      status: "paid",
      billingReason: "subscription_create",
      subtotal: 0,
      discount: null,
      discountAmount: 0,
      currency: price.price_currency,
      label: product.name,
      priceId: price.id,
      subscription,
      metadata: input.metadata ?? {},
    });
    emitNewOrder(state, organizationId, order);
    emitNewSubscription(state, subscription);
    grantBenefits(state, customer, product, { subscriptionId: subscription.id });
    emitStateChanged(state, customer.id);
    return present(state, subscription);
  },
};
