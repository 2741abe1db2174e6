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
  | "customer_not_found"
  | "webhook_verification_failed"
  | "handler_failed"
  | "upstream_error"
  | "upstream_timeout"
  | "server_misconfigured";

/** A JSON error response; `detail` is for people, `error` for code. Never carries a stack or a secret. */
export function jsonError(
  status: number,
  error: HandlerErrorCode,
  detail: unknown,
  init: { headers?: Record<string, string>; parameter?: string } = {},
): Response {
  const body = { error, detail, ...(init.parameter && { parameter: init.parameter }) };
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...init.headers } });
}

/** A 303 See Other, so that a POST form turns into a GET of the target. */
export function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}

/** Thrown by `readBody` when the body is larger than allowed. */
export class BodyTooLargeError extends Error {}

/**
 * Reads the raw body bytes, stopping as soon as they pass `limit` (a lying or absent
 * Content-Length cannot make us buffer more than that).
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) throw new BodyTooLargeError();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The media type of a request, lower-cased, without parameters. */
export const mediaType = (request: Request): string =>
  (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";

/** A 405 naming the allowed methods, or undefined when the request uses one of them. */
export function refuseOtherMethods(request: Request, methods: string[]): Response | undefined {
  if (methods.includes(request.method)) return undefined;
  return jsonError(405, "method_not_allowed", `Use ${methods.join(" or ")}`, {
    headers: { allow: methods.join(", ") },
  });
}
