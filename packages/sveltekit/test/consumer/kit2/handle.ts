import { polarHandle } from "@polar-kit/sveltekit";
import type { Handle } from "@sveltejs/kit";

// On Kit 2, `Handle` is exported by @sveltejs/kit.
export const handle: Handle = polarHandle({ basePath: "/billing" });
