import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// SvelteKit 3 takes its configuration in the Vite plugin (it refuses a svelte.config.js).
export default defineConfig({
  plugins: [
    sveltekit({
      // `node build/index.js`; server.js in this folder maps APP_URL to the adapter's ORIGIN.
      adapter: adapter(),
      // SvelteKit answers 403 to a form posted from another origin (checked against ORIGIN): that is
      // the store's CSRF protection. Polar's webhooks are JSON, not forms, so they pass.
      csrf: { trustedOrigins: [] },
    }),
  ],
});
