import type { ResourceModule } from "./module";

/** Filled in as the catalog resources land. */
export const catalog: ResourceModule = { handlers: {} };
