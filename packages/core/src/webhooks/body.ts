import { utf8 } from "./keys";

/** A request body exactly as it arrived: the text, or its bytes. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

/** The body as text or as a byte view. */
export function rawBody(body: WebhookBody): string | Uint8Array {
  if (typeof body === "string") return body;
  // Duck-typed rather than `instanceof`, so that buffers from another realm (vm, iframe) pass too.
  if (typeof (body as { byteLength?: unknown } | null)?.byteLength !== "number") {
    throw new TypeError("Webhook body must be raw text or bytes, not parsed JSON");
  }
  return ArrayBuffer.isView(body)
    ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
    : new Uint8Array(body);
}

// A string's UTF-8 size is 1× to 3× its length: encode only when those bounds cannot decide.
export const tooLarge = (body: string | Uint8Array, max: number): boolean =>
  body.length > max || (typeof body === "string" && body.length * 3 > max && utf8.encode(body).length > max);
