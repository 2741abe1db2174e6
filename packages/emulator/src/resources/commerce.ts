import { followCatalog } from "./commerce/catalog-sync";
import { confirmHandlers } from "./commerce/checkout-confirm";
import { checkoutLinkHandlers, checkoutLinkRoutes } from "./commerce/checkout-links";
import { checkoutPageRoutes } from "./commerce/checkout-page";
import { sweepCheckouts } from "./commerce/checkout-state";
import { checkoutHandlers } from "./commerce/checkouts";
import { customerHandlers } from "./commerce/customers";
import { orderRoutes } from "./commerce/order-documents";
import { orderHandlers } from "./commerce/orders";
import { paymentMethodHandlers } from "./commerce/payment-methods";
import { refundHandlers } from "./commerce/refunds";
import { sweepSubscriptions } from "./commerce/subscription-lifecycle";
import { subscriptionHandlers } from "./commerce/subscriptions";
import type { ResourceModule } from "./module";

/**
 * The purchase flow: customers, checkouts (API and hosted page), checkout links, orders,
 * subscriptions, refunds, benefit grants and license keys.
 */
export const commerce: ResourceModule = {
  handlers: {
    ...customerHandlers,
    ...paymentMethodHandlers,
    ...checkoutHandlers,
    ...confirmHandlers,
    ...checkoutLinkHandlers,
    ...orderHandlers,
    ...subscriptionHandlers,
    ...refundHandlers,
  },
  // Called once per emulator at start: also where the flow starts following catalog changes.
  routes: (app, state) => {
    followCatalog(state);
    checkoutPageRoutes(app, state);
    checkoutLinkRoutes(app, state);
    orderRoutes(app, state);
  },
  sweep: (state) => {
    sweepCheckouts(state);
    sweepSubscriptions(state);
  },
};
