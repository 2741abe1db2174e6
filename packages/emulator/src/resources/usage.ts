import type { ResourceModule } from "./module";
import { eventHandlers, eventsTable } from "./usage/events";
import { licenseKeyHandlers } from "./usage/license-keys";
import { meterHandlers } from "./usage/meters";

/** License keys and usage billing: events (in their own table), meters and customer meters. */
export const usage: ResourceModule = {
  handlers: { ...licenseKeyHandlers, ...eventHandlers, ...meterHandlers },
  // Called once per emulator at start: the events table exists before the first request.
  routes: (_app, state) => {
    eventsTable(state.db);
  },
};

export { bulkInsertEvents, type EventRow } from "./usage/events";
