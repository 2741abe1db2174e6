// The stylesheet all the example apps share, written to build/prerendered/store.css at build time
// and served as a static file: app.html and error.html link it.
import css from "@polar-kit/example-store/store.css?raw";

export const prerender = true;

export const GET = (): Response => new Response(css, { headers: { "content-type": "text/css; charset=utf-8" } });
