import { RequestError, readBody } from "../_internal/http";
import { httpUrl } from "../_internal/urls";

/** Raw request parameters: one string or several per name (query, form), or values the app computed. */
export type RawParams = Record<string, unknown>;

/** How a parameter's raw value becomes the API's value. */
export type ParamKind = "string" | "list" | "int" | "bool" | "json" | "origin";

const EXPECTED: Record<ParamKind, string> = {
  string: "text",
  list: "a list of ids",
  int: "a whole number",
  bool: "true or false",
  json: "a JSON object",
  origin: "an http(s) origin, such as https://shop.example",
};

/** A 400 naming the parameter at fault. */
export const invalidParameter = (
  name: string,
  message: string,
  error: "invalid_parameter" | "missing_parameter" = "invalid_parameter",
) => new RequestError(400, error, `${name} ${message}`, name);

/**
 * Reads a handler's parameters: the query string of a GET, or the form a POST sends (urlencoded or
 * multipart, what a browser's form submits). The body is read with a size limit before any parsing.
 */
export async function readParams(request: Request, maxBodyBytes: number): Promise<RawParams> {
  let entries: Iterable<[string, FormDataEntryValue]> = new URL(request.url).searchParams;
  if (request.method !== "GET") {
    const form = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;
    if (!form.test(request.headers.get("content-type") ?? "")) {
      throw new RequestError(415, "unsupported_media_type", "Send a form (urlencoded or multipart)");
    }
    const body = await readBody(request, maxBodyBytes);
    entries = await new Response(body, { headers: request.headers }).formData().catch(() => {
      throw invalidParameter("body", "could not be read as a form");
    });
  }
  const params: RawParams = {};
  for (const [key, value] of entries) {
    if (typeof value !== "string") throw invalidParameter(key, "must be text, not a file");
    const previous = params[key];
    params[key] = previous === undefined ? value : [previous, value].flat();
  }
  return params;
}

/** One raw value as `kind`, or undefined when it is not one. */
function convert(kind: ParamKind, value: unknown): unknown {
  switch (kind) {
    case "string":
      return (typeof value === "string" && value.trim()) || undefined;
    case "int":
      if (typeof value === "string" && /^\d{1,15}$/.test(value)) return Number(value);
      return Number.isSafeInteger(value) && (value as number) >= 0 ? value : undefined;
    case "bool":
      if (typeof value === "boolean") return value;
      return value === "true" || value === "1" || value === "on"
        ? true
        : value === "false" || value === "0"
          ? false
          : undefined;
    case "json": {
      let parsed = value;
      try {
        parsed = typeof value === "string" ? JSON.parse(value) : value;
      } catch {}
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : undefined;
    }
    case "origin": {
      // The origin the embedded checkout talks to: scheme, host and port, nothing else.
      const origin = typeof value === "string" ? httpUrl(value)?.origin : undefined;
      return origin && (value === origin || value === `${origin}/`) ? origin : undefined;
    }
    case "list": {
      const items = [value]
        .flat()
        .flatMap((v) => (typeof v === "string" ? v.split(",") : [v]))
        .map((v) => (typeof v === "string" ? v.trim() : v))
        .filter((v) => v !== "");
      return items.every((v) => typeof v === "string") ? items : undefined;
    }
  }
}

/** Converts one raw value, or throws a 400 naming the parameter. */
export function coerce(name: string, kind: ParamKind, raw: unknown): unknown {
  if (kind !== "list" && Array.isArray(raw)) throw invalidParameter(name, "must be given once");
  const value = convert(kind, raw);
  if (value === undefined) throw invalidParameter(name, `must be ${EXPECTED[kind]}`);
  return value;
}
