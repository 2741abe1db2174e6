import { describeFailure } from "@polar-kit/example-store/failures";
import { error } from "@sveltejs/kit";

/**
 * Passes the adapter's redirect (to the hosted checkout or the portal) through, and turns its
 * JSON errors (`{ error, detail }`, which suit API clients) into SvelteKit errors with the same
 * status and words for a shopper.
 */
export async function redirectOrError(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const { title, message } = await describeFailure(response);
  error(response.status, title, { detail: message });
}
