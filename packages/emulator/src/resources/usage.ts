import type { ResourceModule } from "./module";
import { eventHandlers } from "./usage/events";
import { licenseKeyHandlers } from "./usage/license-keys";
import { meterHandlers } from "./usage/meters";

/** License keys and usage billing: events (in their own table), meters and customer meters. */
export const usage: ResourceModule = {
  handlers: { ...licenseKeyHandlers, ...eventHandlers, ...meterHandlers },
};

export { bulkInsertEvents, type EventRow } from "./usage/events";
