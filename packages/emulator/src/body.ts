// Reading untrusted request bodies within limits: bytes are counted as they arrive (a huge or
// endless upload is cut off, never held in memory), and JSON nesting is bounded before parsing.

/**
 * Deepest JSON nesting accepted. No request of the API nests half as deep; parsing, validating and
 * echoing input cost stack and time with depth (5,000 levels overflowed the stack, millions take
 * seconds to parse).
 */
export const MAX_JSON_DEPTH = 64;

// A refused body is still read (and dropped) for a while: a connection closed under a client
// that is still sending resets, and the client never reads the answer.
const LINGER_BYTES = 64 * 1024 * 1024;
const LINGER_MS = 2000;

function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  const deadline = Date.now() + LINGER_MS;
  const drop = async () => {
    for (let dropped = 0; dropped <= LINGER_BYTES && Date.now() < deadline; ) {
      const { done, value } = await reader.read();
      if (done) return;
      dropped += value.byteLength;
    }
    await reader.cancel();
  };
  drop().catch(() => {});
}

/**
 * The body's bytes, or `undefined` when it is longer than `maxBytes`: refused on its declared
 * `Content-Length`, or as soon as the chunks read exceed the limit (the rest is dropped unread).
 */
export async function readBytes(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get("content-length")) > maxBytes) return undefined;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      discardRest(reader);
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The body as UTF-8 text (invalid sequences replaced), or `undefined` when over `maxBytes`. */
export async function readText(request: Request, maxBytes: number): Promise<string | undefined> {
  const bytes = await readBytes(request, maxBytes);
  return bytes && new TextDecoder().decode(bytes);
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`. Scans the text (skipping strings),
 * so deep input is refused before `JSON.parse` spends seconds on it; malformed text is left for
 * the parser to refuse.
 */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > max) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** The fields of a URL-encoded form (the last value of a repeated one); a body over `maxBytes` has none. */
export async function readFormFields(request: Request, maxBytes = 1024 * 1024): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams((await readText(request, maxBytes)) ?? ""));
}
