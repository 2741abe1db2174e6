// Error pages for route handlers and the proxy. Pages render React; route handlers return a
// `Response` and cannot render the app's components (React's HTML renderer is not available in
// Next.js' server layer), so this is the one place that writes HTML by hand, escaping every value.
import { describeFailure } from "@polar-kit/example-store/failures";
import type { RouteHandler } from "@polar-kit/nextjs";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A small standalone HTML page with a heading, a message and a link back to the products. */
export function problemResponse(status: number, title: string, message: string): Response {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Demo store</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1c1c1c}a{color:#0b5cd5}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="/">Back to the products</a></p>
</main>
</body>
</html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * The adapter answers mistakes and outages with JSON, which suits API clients; a shopper who
 * clicked a button gets the same status with a page instead.
 */
export function withErrorPage(handler: RouteHandler): RouteHandler {
  return async (request) => {
    const response = await handler(request);
    if (response.status < 400) return response;
    const { title, message } = await describeFailure(response);
    return problemResponse(response.status, title, message);
  };
}
