// SvelteKit 2 (vite 7, adapter-node 5, svelte.config.js), the README's routes and hook, on Node 22.
import { svelteKitRow } from "../lib/sveltekit-app.mjs";

export default svelteKitRow({ name: "sveltekit2", node: "22.23.5", major: 2 });
