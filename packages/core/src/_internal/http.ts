// Small Request/Response helpers shared by the handlers.

/** Error codes the handlers answer with, in `{ error, detail }` JSON bodies. */
export type HandlerErrorCode =
  | "method_not_allowed"
  | "unsupported_media_type"
  | "payload_too_large"
  | "missing_parameter"
  | "invalid_parameter"
  | "invalid_request"
  | "unauthorized"
  | "cross_site_request"
  | "customer_not_found"
  | "webhook_verification_failed"
  | "handler_failed"
  | "upstream_error"
  | "upstream_timeout"
  | "webhook_in_flight"
  | "server_misconfigured";

/** A JSON error response; `detail` is for people, `error` for code. Never carries a stack or a secret. */
export const jsonError = (
  status: number,
  error: HandlerErrorCode,
  detail: unknown,
  // Left out of the JSON when undefined.
  parameter?: string,
  headers?: Record<string, string>,
): Response =>
  Response.json({ error, detail, parameter }, { status, headers: { "cache-control": "no-store", ...headers } });

/** The request's own mistake, answered as it is: a status, a code and a message naming what is wrong. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly error: HandlerErrorCode,
    message: string,
    /** The parameter at fault, when there is one. */
    readonly parameter?: string,
  ) {
    super(message);
  }
}

/**
 * Reads the raw body bytes, counting them as they stream in: past `limit` it stops with a 413,
 * so a lying or absent Content-Length cannot make us buffer more than that.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new RequestError(413, "payload_too_large", "The body is too large");
  if (Number(request.headers.get("content-length")) > limit) throw tooLarge();
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  // Leaving the loop early cancels the stream.
  for await (const chunk of (request.body ?? []) as unknown as AsyncIterable<Uint8Array<ArrayBuffer>>) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  // Most bodies arrive in one chunk, used as it is.
  return chunks.length === 1
    ? (chunks[0] as Uint8Array<ArrayBuffer>)
    : new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/** A 405 naming the allowed methods (`allow` as the Allow header has them), or undefined when the request uses one. */
export function refuseOtherMethods(request: Request, allow: "POST" | "GET, POST"): Response | undefined {
  if (allow.split(", ").includes(request.method)) return undefined;
  return jsonError(405, "method_not_allowed", `Use ${allow}`, undefined, { allow });
}
