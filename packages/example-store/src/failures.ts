// The adapters answer mistakes and outages with JSON (`{ error, detail }`), which suits API
// clients; a shopper clicking "Buy" gets the same information as a page instead. Each app renders
// the page its own way; the words are the same everywhere.

/** A failure in words for a shopper: a heading and a sentence under it. */
export interface FailureDescription {
  title: string;
  message: string;
}

/**
 * What went wrong, in words for a shopper, from an adapter's JSON error response.
 *
 * @example
 * const response = await checkout(request);
 * if (response.status >= 400) {
 *   const { title, message } = await describeFailure(response);
 * }
 */
export async function describeFailure(response: Response): Promise<FailureDescription> {
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
