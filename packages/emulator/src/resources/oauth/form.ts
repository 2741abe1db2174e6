// Form bodies of the OAuth endpoints (`application/x-www-form-urlencoded`, RFC 6749 §3.2).
import type { Context } from "hono";
import { readText } from "../../body";
import { invalidRequest, OAuthError } from "./errors";

// Every OAuth request fits in a few kilobytes; a body beyond this is refused before parsing.
const MAX_FORM_BYTES = 16 * 1024;
const MAX_VALUE_LENGTH = 4096;

/** The parameters of a form, each present at most once. */
export class Form {
  constructor(private readonly values: Map<string, string>) {}

  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }
}

/**
 * Parses a form body. Like the API's router, the body is read as a form whatever its declared
 * content type; a repeated or oversized parameter is an `invalid_request`.
 */
function parseForm(text: string): Form {
  const values = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (values.has(name)) throw invalidRequest(`The ${name} parameter is repeated.`);
    if (value.length > MAX_VALUE_LENGTH) throw invalidRequest(`The ${name} parameter is too long.`);
    values.set(name, value);
  }
  return new Form(values);
}

/** A body over the limit: refused on its declared length, or as soon as it is read past it. */
export class FormTooLargeError extends OAuthError {
  constructor() {
    super("invalid_request", "The request body is too large.", 413);
  }
}

/** A request's form, or the `OAuthError` refusing it; the caller answers the error its own way. */
export async function readForm(c: Context): Promise<{ form: Form } | { error: OAuthError }> {
  const text = await readText(c.req.raw, MAX_FORM_BYTES);
  if (text === undefined) return { error: new FormTooLargeError() };
  try {
    return { form: parseForm(text) };
  } catch (error) {
    if (error instanceof OAuthError) return { error };
    throw error;
  }
}
