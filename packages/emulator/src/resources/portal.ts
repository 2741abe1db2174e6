import type { ResourceModule } from "./module";
import { sessionHandlers } from "./portal/sessions";

/** Customer sessions and, as they land, the Customer Portal API and page. */
export const portal: ResourceModule = { handlers: { ...sessionHandlers } };
