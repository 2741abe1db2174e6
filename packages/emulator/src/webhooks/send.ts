import type { WebhookHeaders } from "./sign";

/** What one attempt got back: the status (`null` when unreachable) and the first 2048 characters. */
export interface AttemptResult {
  status: number | null;
  response: string | null;
}

// Polar stores the response text truncated to 2048 characters.
const RESPONSE_LIMIT = 2048;

/** Reads at most `RESPONSE_LIMIT` characters, so a huge or endless response body cannot stall a lane. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < RESPONSE_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return text.slice(0, RESPONSE_LIMIT);
}

function describe(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return "Timed out waiting for the endpoint";
  return String(err.cause?.message ?? err.message);
}

/**
 * POSTs one signed delivery. Redirects are not followed (a 3xx is a failure, as on Polar); the
 * timeout covers the whole exchange, body included.
 */
export async function postWebhook(
  url: string,
  headers: WebhookHeaders,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "polar.sh webhooks", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readCapped(res);
    const location = res.headers.get("location");
    // Say why a redirect failed when the body does not: a common cause of "my webhook never arrives".
    if (res.status >= 300 && res.status < 400 && !text) {
      return { status: res.status, response: `Redirect to ${location ?? "(no location)"} not followed` };
    }
    return { status: res.status, response: text };
  } catch (error) {
    return { status: null, response: describe(error).slice(0, RESPONSE_LIMIT) };
  }
}

export const isSuccess = (result: AttemptResult) =>
  result.status !== null && result.status >= 200 && result.status < 300;
