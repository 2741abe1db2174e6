// The adapter answers mistakes and outages with JSON (`{ error, detail }`), which suits API
// clients; a shopper clicking "Buy" gets the same information as a page instead.

/** What went wrong, in words for a shopper, from an adapter's JSON error response. */
export async function describeFailure(response: Response): Promise<{ title: string; message: string }> {
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
