import { BodyTooLargeError, mediaType, readBody } from "../_internal/http";

/** Raw request parameters: one string or several per name (query, form), or any JSON value. */
export type RawParams = Record<string, unknown>;

/** A parameter the request got wrong; the handler answers 400 naming it. */
export class ParameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
    readonly missing = false,
  ) {
    super(message);
  }
}

/** Thrown for a POST body in a media type the handler does not read. */
export class UnsupportedMediaTypeError extends Error {}

export { BodyTooLargeError };

function fromEntries(entries: Iterable<[string, FormDataEntryValue]>): RawParams {
  const params: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (typeof value !== "string") throw new ParameterError(key, `${key} must be text, not a file`);
    const previous = params[key];
    params[key] = previous === undefined ? value : ([] as unknown[]).concat(previous, value);
  }
  return params;
}

/**
 * Reads a handler's parameters: the query string of a GET, or a POST body sent as a form or
 * as a JSON object. The body is read with a size limit before any parsing.
 */
export async function readParams(request: Request, maxBodyBytes: number): Promise<RawParams> {
  if (request.method === "GET") return fromEntries(new URL(request.url).searchParams);
  const type = mediaType(request);
  const isForm = type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
  if (!isForm && type !== "application/json") throw new UnsupportedMediaTypeError();
  const bytes = await readBody(request, maxBodyBytes);
  if (isForm) {
    const form = await new Response(bytes, { headers: request.headers }).formData().catch(() => {
      throw new ParameterError("body", "The form body could not be read");
    });
    return fromEntries(form);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ParameterError("body", "The body is not valid JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ParameterError("body", "The body must be a JSON object");
  }
  return parsed as RawParams;
}

/** How a parameter's raw value becomes the API's value. */
export type ParamKind = "string" | "list" | "int" | "bool" | "json";

const single = (name: string, value: unknown): unknown => {
  if (Array.isArray(value)) throw new ParameterError(name, `${name} must be given once`);
  return value;
};

/** Converts one raw value, or throws a ParameterError naming the parameter. */
export function coerce(name: string, kind: ParamKind, raw: unknown): unknown {
  if (kind === "list") {
    const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === "string" ? v.split(",") : [v]));
    const items = values.map((v) => (typeof v === "string" ? v.trim() : v)).filter((v) => v !== "");
    if (!items.every((v) => typeof v === "string")) throw new ParameterError(name, `${name} must be a list of ids`);
    return items;
  }
  const value = single(name, raw);
  switch (kind) {
    case "string":
      if (typeof value !== "string" || !value.trim())
        throw new ParameterError(name, `${name} must be a non-empty string`);
      return value.trim();
    case "int":
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
      if (typeof value === "string" && /^\d{1,15}$/.test(value)) return Number(value);
      throw new ParameterError(name, `${name} must be a whole number`);
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "1" || value === "on") return true;
      if (value === "false" || value === "0") return false;
      throw new ParameterError(name, `${name} must be true or false`);
    case "json": {
      let parsed = value;
      if (typeof value === "string") {
        try {
          parsed = JSON.parse(value);
        } catch {
          throw new ParameterError(name, `${name} must be a JSON object`);
        }
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new ParameterError(name, `${name} must be a JSON object`);
      }
      return parsed;
    }
  }
}
