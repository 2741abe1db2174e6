// Error pages for route handlers and the proxy. Pages render React; route handlers return a
// `Response` and cannot render the app's components (React's HTML renderer is not available in
// Next.js' server layer), so this is the one place that writes HTML by hand, escaping every value.
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

/** What went wrong, in words for a shopper, from an adapter's JSON error (`{ error, detail }`). */
async function describe(response: Response): Promise<{ title: string; message: string }> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; detail?: unknown };
  switch (body.error) {
    case "unauthorized":
      return { title: "Please sign in", message: "Sign in to manage your billing." };
    case "customer_not_found":
      return { title: "Nothing to manage yet", message: "You have no purchases yet: buy something first." };
    case "server_misconfigured":
      return { title: "Payments are not set up", message: "This store is not configured for payments yet." };
    case "upstream_error":
    case "upstream_timeout":
      return { title: "Payments are unavailable", message: "The payment service could not be reached. Try again." };
    default: {
      // 400s name the parameter or carry the API's validation messages; none holds a secret.
      const detail = Array.isArray(body.detail)
        ? body.detail.map((issue: { msg?: string }) => issue.msg ?? "").join(" ")
        : String(body.detail ?? "Something went wrong.");
      return { title: "That did not work", message: detail };
    }
  }
}

/**
 * The adapter answers mistakes and outages with JSON, which suits API clients; a shopper who
 * clicked a button gets the same status with a page instead.
 */
export function withErrorPage(handler: RouteHandler): RouteHandler {
  return async (request) => {
    const response = await handler(request);
    if (response.status < 400) return response;
    const { title, message } = await describe(response);
    return problemResponse(response.status, title, message);
  };
}
