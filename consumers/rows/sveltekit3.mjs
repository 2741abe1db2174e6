// SvelteKit 3 (vite 8, vite-plugin-svelte 7, adapter-node 6, config in vite.config.ts), the README's
// routes and hook, on Node 26.
import { svelteKitRow } from "../lib/sveltekit-app.mjs";

export default svelteKitRow({ name: "sveltekit3", node: "26.12.1", major: 3 });
