import { createTransport, SERVERS } from "./_internal/transport";
import { type PolarApiError, PolarError } from "./errors";

export { SERVERS };

/** Options shared by the client and each call. */
export interface RetryOptions {
  /**
   * Retries after a 429, 502, 503, 504 or network error, for idempotent methods (GET, PUT, DELETE).
   * @default 2
   */
  maxRetries?: number;
  /**
   * Also retry POST and PATCH after failures that may have reached the server. Off by default:
   * without it they are retried only when the connection was refused.
   * @default false
   */
  retryNonIdempotent?: boolean;
  /**
   * Milliseconds to wait for each attempt's response.
   * @default 60000
   */
  timeoutMs?: number;
}

/** Options of `createClient` and `createPolar`. */
export interface ClientOptions extends RetryOptions {
  /** An organization access token (`polar_oat_…`), OAuth token or customer session token. */
  accessToken?: string;
  /**
   * Which hosted Polar to call; ignored when `baseUrl` is set.
   * @default "production"
   */
  server?: keyof typeof SERVERS;
  /** Any other API origin, such as the local emulator (`http://127.0.0.1:8787`). */
  baseUrl?: string;
  /**
   * The `Polar-Version` header.
   * @default the spec version the client was generated from
   */
  polarVersion?: string;
  /** Backoff between retries when the server sends no `Retry-After`: exponential from `baseMs`, capped at `maxMs`, with jitter. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call options, accepted as the last argument of every operation. */
export interface RequestOptions extends RetryOptions {
  /** Cancels the call, including any wait between retries. */
  signal?: AbortSignal;
  /** A token for this call only, e.g. a customer session token for Customer Portal calls. */
  accessToken?: string;
  headers?: Record<string, string>;
}

/** One HTTP call, as an operation function describes it. */
export interface ApiRequest {
  method: string;
  path: string;
  /** The spec's path template, used in errors so that path secrets never reach logs. */
  template: string;
  /** Sent as JSON, except `URLSearchParams`, which is sent form-encoded. */
  body?: unknown;
}

/** The small core every operation runs on. */
export interface Client {
  readonly baseUrl: string;
  request<T = unknown>(request: ApiRequest, options?: RequestOptions): Promise<T>;
}

// POST and PATCH are the only non-idempotent methods the API uses.
const NON_IDEMPOTENT = /^(POST|PATCH)$/;
const RETRY_STATUS = /^(429|50[234])$/;
const MAX_RETRY_AFTER_S = 60;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => reject(clearTimeout(timer) ?? signal.reason), { once: true });
  });

/** Reads `Retry-After` as seconds, from either of its two forms (delta-seconds or an HTTP date). */
function retryAfterSeconds(header: string | null): number | undefined {
  const seconds = Number(header || Number.NaN);
  if (seconds >= 0) return seconds;
  const date = Date.parse(header as string);
  return date ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}

// undici, Bun and Deno each name a refused connection differently.
const wasRefused = (error: unknown): boolean =>
  /ECONNREFUSED|ConnectionRefused/.test(
    String((error as { cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code),
  );

/**
 * Creates the small core that the standalone operation functions run on: each request is one
 * attempt (see `createTransport`), retried after a 429, 502–504 or network error as `RetryOptions` say.
 *
 * @example
 * import { createClient } from "@polar-kit/core";
 * import { checkoutsCreate } from "@polar-kit/core/funcs";
 * const client = createClient({ accessToken: process.env.POLAR_ACCESS_TOKEN, server: "sandbox" });
 * const checkout = await checkoutsCreate(client, { products: [productId] });
 */
export function createClient(given: ClientOptions = {}): Client {
  // A copy: later changes to the caller's object do not reach requests.
  const options = { ...given };
  const transport = createTransport(options, retryAfterSeconds);

  async function request<T>(req: ApiRequest, call: RequestOptions = {}): Promise<T> {
    const merged = { ...options, ...call };
    const retriesAnyFailure = !NON_IDEMPOTENT.test(req.method) || !!merged.retryNonIdempotent;
    for (let attempt = 0; ; attempt++) {
      try {
        return await transport.request<T>(req, call);
      } catch (error) {
        // An abort is the caller's own decision: its reason goes up untouched.
        if (!(error instanceof PolarError)) throw error;
        const { status, retryAfter } = error as PolarApiError;
        const retryable = status
          ? retriesAnyFailure && RETRY_STATUS.test(`${status}`)
          : retriesAnyFailure || wasRefused(error.cause);
        if (!retryable || attempt >= (merged.maxRetries ?? 2) || (retryAfter ?? 0) > MAX_RETRY_AFTER_S) throw error;
        const backoff = Math.min(options.backoff?.maxMs ?? 8000, (options.backoff?.baseMs ?? 500) * 2 ** attempt);
        await sleep(retryAfter === undefined ? backoff * (0.5 + Math.random() / 2) : retryAfter * 1000, call.signal);
      }
    }
  }

  return { baseUrl: transport.baseUrl, request };
}
