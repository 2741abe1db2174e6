import { catalog } from "./catalog";
import { commerce } from "./commerce";
import { insights } from "./insights";
import { members } from "./members";
import type { ResourceModule } from "./module";
import { oauth } from "./oauth";
import { organizationHandlers } from "./organizations";
import { platform } from "./platform";
import { portal } from "./portal";
import { usage } from "./usage";

export type { ResourceModule } from "./module";

/**
 * Every area of the emulated API. The platform comes first: its routes hook (fault injection)
 * must wrap every route registered after it, the hosted pages included.
 */
export const modules: ResourceModule[] = [
  platform,
  { handlers: organizationHandlers },
  catalog,
  commerce,
  portal,
  usage,
  insights,
  members,
  oauth,
];
