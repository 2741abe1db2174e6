import type { ResourceModule } from "./module";

/** Filled in as the platform resources land. */
export const platform: ResourceModule = { handlers: {} };
