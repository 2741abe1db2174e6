// `npm start`: the built store (build/index.js, from @sveltejs/adapter-node). The adapter learns its
// public origin from ORIGIN; this app's scripts give it as APP_URL, so map one to the other before
// the adapter reads it. SvelteKit's CSRF check and the links Polar redirects to depend on it.
if (!process.env.ORIGIN && process.env.APP_URL) process.env.ORIGIN = new URL(process.env.APP_URL).origin;

await import("./build/index.js");
