// SvelteKit 2 (vite 7, adapter-node 5, svelte.config.js), the README's routes and hook: Node 22 and
// TypeScript 5, as in an existing Kit 2 project.
import { svelteKitRow } from "../lib/sveltekit-app.mjs";

export default svelteKitRow({ name: "sveltekit2", node: "22.23.5", major: 2, typescript: "^5" });
