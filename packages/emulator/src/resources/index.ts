import { catalog } from "./catalog";
import { commerce } from "./commerce";
import type { ResourceModule } from "./module";
import { organizationHandlers } from "./organizations";
import { platform } from "./platform";
import { portal } from "./portal";

export type { ResourceModule } from "./module";

/** Every area of the emulated API. */
export const modules: ResourceModule[] = [{ handlers: organizationHandlers }, catalog, commerce, platform, portal];
