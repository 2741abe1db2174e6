import type { ResourceModule } from "./module";

/** Filled in as the commerce resources land. */
export const commerce: ResourceModule = { handlers: {} };
