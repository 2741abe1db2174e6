import { fail } from "./errors";
import { utf8 } from "./keys";

/** A request body exactly as it arrived: the text, or its bytes. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/** The body's bytes (text is UTF-8 encoded), refused past `maxBodyBytes` before any hashing. */
export function rawBody(body: WebhookBody, maxBodyBytes: number): Uint8Array {
  if (typeof body === "string") body = utf8.encode(body);
  if (typeof (body as { byteLength?: unknown } | null)?.byteLength !== "number") {
    throw new TypeError("Webhook body must be raw text or bytes, not parsed JSON");
  }
  // A view keeps its window on the buffer; a bare ArrayBuffer has no `buffer` and is taken whole.
  const { buffer, byteOffset, byteLength } = body as Uint8Array;
  if (byteLength > maxBodyBytes) fail("body_too_large", "Webhook body is over maxBodyBytes");
  return new Uint8Array(buffer ?? body, byteOffset, byteLength);
}
