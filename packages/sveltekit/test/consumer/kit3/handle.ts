import { polarHandle } from "@polar-kit/sveltekit";
import type { Handle } from "@sveltejs/kit/hooks";

// On Kit 3, `Handle` is exported by @sveltejs/kit/hooks.
export const handle: Handle = polarHandle({ basePath: "/billing" });
