import { dashboardHandlers } from "./insights/dashboards";
import { disputeHandlers, disputeRoutes } from "./insights/disputes";
import { metricHandlers } from "./insights/metrics";
import { paymentHandlers } from "./insights/payments";
import type { ResourceModule } from "./module";

/**
 * What the dashboard shows about the money: metrics computed from the emulator's orders,
 * subscriptions, checkouts and events, custom dashboards, payments derived from paid orders, and
 * disputes (opened through `POST /__emulator/disputes`).
 */
export const insights: ResourceModule = {
  handlers: { ...metricHandlers, ...dashboardHandlers, ...paymentHandlers, ...disputeHandlers },
  routes: (app, state) => disputeRoutes(app, state),
};
