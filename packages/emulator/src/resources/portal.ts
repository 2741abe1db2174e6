import type { ResourceModule } from "./module";
import { benefitApiHandlers } from "./portal/benefits";
import { customerApiHandlers } from "./portal/customer-api";
import { downloadRoutes } from "./portal/downloads";
import { emailUpdateHandlers, emailVerificationRoutes } from "./portal/email-update";
import { grantUpdateHandlers } from "./portal/grant-update";
import { meterApiHandlers } from "./portal/meters";
import { orderApiHandlers } from "./portal/orders";
import { portalPageRoutes } from "./portal/page";
import { paymentMethodApiHandlers } from "./portal/payment-methods";
import { declinedRenewalRoutes, paymentStatusHandlers } from "./portal/payment-status";
import { sessionHandlers } from "./portal/sessions";
import { subscriptionApiHandlers } from "./portal/subscriptions";
import { walletApiHandlers } from "./portal/wallets";

/** Customer sessions, the Customer Portal API (scoped to the session's customer), its downloads and page. */
export const portal: ResourceModule = {
  handlers: {
    ...sessionHandlers,
    ...customerApiHandlers,
    ...orderApiHandlers,
    ...paymentStatusHandlers,
    ...subscriptionApiHandlers,
    ...benefitApiHandlers,
    ...grantUpdateHandlers,
    ...paymentMethodApiHandlers,
    ...emailUpdateHandlers,
    ...meterApiHandlers,
    ...walletApiHandlers,
  },
  routes: (app, state) => {
    downloadRoutes(app, state);
    portalPageRoutes(app, state);
    emailVerificationRoutes(app, state);
    declinedRenewalRoutes(app, state);
  },
};
