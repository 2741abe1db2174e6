import type { ApiRequest, Client, ClientOptions, RequestOptions } from "../client";
import { PolarApiError, PolarConfigError, PolarConnectionError } from "../errors";
import { API_VERSION } from "../generated/meta";
import { VERSION } from "../version";

/** The two hosted Polar environments. */
export const SERVERS = {
  production: "https://api.polar.sh",
  sandbox: "https://sandbox-api.polar.sh",
} as const;

/**
 * A client whose every request is a single attempt: the API's answer, or a `PolarApiError`, or a
 * `PolarConnectionError` (timeout, network). The request handlers use it as is (someone is
 * waiting on the redirect: a failure is answered at once); `createClient` adds retries around it.
 */
export function createTransport(
  options: ClientOptions = {},
  /** Reads a failure's `Retry-After` header, for a caller that retries. */
  retryAfter?: (header: string | null) => number | undefined,
): Client {
  const baseUrl = (options.baseUrl ?? SERVERS[options.server ?? "production"] ?? "").replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    throw new PolarConfigError(
      "baseUrl",
      'server must be "production" or "sandbox", or baseUrl an http(s) URL (POLAR_SERVER, POLAR_API_URL)',
    );
  }

  async function request<T>(req: ApiRequest, call: RequestOptions = {}): Promise<T> {
    const { method, template, body } = req;
    const isJson = body !== undefined && !(body instanceof URLSearchParams);
    const { signal } = call;
    const token = call.accessToken ?? options.accessToken;
    const timeoutMs = call.timeoutMs ?? options.timeoutMs ?? 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let data: unknown;
    try {
      res = await (options.fetch ?? fetch)(baseUrl + req.path, {
        method,
        headers: {
          "user-agent": `polar-kit/${VERSION}`,
          "polar-version": options.polarVersion ?? API_VERSION,
          ...(token && { authorization: `Bearer ${token}` }),
          ...(isJson && { "content-type": "application/json" }),
          ...options.headers,
          ...call.headers,
        },
        // URLSearchParams bodies carry their own form content type.
        body: isJson ? JSON.stringify(body) : (body as URLSearchParams | undefined),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await res.text();
      data = text || undefined;
      // A JSON body that does not parse was cut short: it fails like a dropped connection.
      if (text && /json/.test(res.headers.get("content-type") as string)) data = JSON.parse(text);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const where = `${method} ${template}`;
      throw timeout.aborted
        ? new PolarConnectionError("timeout", `Polar API did not answer ${where} within ${timeoutMs} ms`)
        : new PolarConnectionError("network_error", `Network error on ${where}: ${(error as Error)?.message}`, {
            cause: error,
          });
    }
    if (res.ok) return data as T;
    throw new PolarApiError({
      status: res.status,
      method,
      path: template,
      body: data,
      requestId: res.headers.get("x-request-id") ?? undefined,
      retryAfter: retryAfter?.(res.headers.get("retry-after")),
    });
  }

  return { baseUrl, request };
}
