import type { ResourceModule } from "./module";
import { benefitApiHandlers } from "./portal/benefits";
import { customerApiHandlers } from "./portal/customer-api";
import { downloadRoutes } from "./portal/downloads";
import { orderApiHandlers } from "./portal/orders";
import { portalPageRoutes } from "./portal/page";
import { sessionHandlers } from "./portal/sessions";
import { subscriptionApiHandlers } from "./portal/subscriptions";

/** Customer sessions, the Customer Portal API (scoped to the session's customer), its downloads and page. */
export const portal: ResourceModule = {
  handlers: {
    ...sessionHandlers,
    ...customerApiHandlers,
    ...orderApiHandlers,
    ...subscriptionApiHandlers,
    ...benefitApiHandlers,
  },
  routes: (app, state) => {
    downloadRoutes(app, state);
    portalPageRoutes(app, state);
  },
};
