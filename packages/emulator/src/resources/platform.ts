import type { ResourceModule } from "./module";
import { clockRoutes } from "./platform/clock";
import { faultRoutes } from "./platform/faults";
import { tokenRoutes } from "./platform/tokens";
import { webhookDeliveryHandlers } from "./platform/webhook-deliveries";
import { webhookEndpointHandlers } from "./platform/webhook-endpoints";

/** Webhook endpoints and deliveries, and the emulator's own routes (clock, fault injection, tokens). */
export const platform: ResourceModule = {
  handlers: { ...webhookEndpointHandlers, ...webhookDeliveryHandlers },
  routes: (app, state) => {
    // First, so that the fault middleware wraps every route registered after it.
    faultRoutes(app);
    clockRoutes(app, state);
    tokenRoutes(app, state);
  },
};
