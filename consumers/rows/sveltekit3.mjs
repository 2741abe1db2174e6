// SvelteKit 3 (vite 8, vite-plugin-svelte 7, adapter-node 6, config in vite.config.ts), the README's
// routes and hook: Node 26 and TypeScript 6 (Kit 3's peer range; 7 is outside it).
import { svelteKitRow } from "../lib/sveltekit-app.mjs";

export default svelteKitRow({ name: "sveltekit3", node: "26.12.1", major: 3, typescript: "^6" });
