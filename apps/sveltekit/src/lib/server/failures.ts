import { error } from "@sveltejs/kit";

// The adapter answers mistakes and outages with JSON (`{ error, detail }`), which suits API
// clients; a shopper clicking "Buy" gets an error page instead.
const TITLES: Record<string, string> = {
  unauthorized: "Please sign in",
  customer_not_found: "Nothing to manage yet",
  server_misconfigured: "Payments are not set up",
  upstream_error: "Payments are unavailable",
  upstream_timeout: "Payments are unavailable",
};

/**
 * Passes the adapter's redirect (to the hosted checkout or the portal) through, and turns its
 * JSON errors into SvelteKit errors with the same status and a heading for a shopper.
 */
export async function redirectOrError(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  error(response.status, TITLES[body.error ?? ""] ?? "That did not work");
}
