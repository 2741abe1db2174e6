import { uuid } from "./ids";
import { type JsonSchema, loadSpec } from "./spec";

type Json = unknown;

const resolve = (schema: JsonSchema): JsonSchema => {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  return resolve(loadSpec().document.components.schemas[ref.split("/").pop() as string] as JsonSchema);
};

function byFormat(format: unknown, now: string): string {
  switch (format) {
    case "uuid4":
    case "uuid":
      return uuid();
    case "date-time":
      return now;
    case "date":
      return now.slice(0, 10);
    case "uri":
      return "https://example.com";
    case "email":
      return "customer@example.com";
    default:
      return "";
  }
}

/**
 * The smallest value that satisfies a schema of the spec: defaults where the spec gives them,
 * `null` where it allows null, required properties only. Handlers start from it and set what
 * they model, so every field the emulator does not model is still present and valid.
 */
export function minimalValue(schema: JsonSchema, now: string): Json {
  const s = resolve(schema);
  if ("default" in s) return structuredClone(s.default);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const branches = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (branches) {
    if (branches.some((b) => b.type === "null")) return null;
    return minimalValue(branches[0] as JsonSchema, now);
  }
  if (Array.isArray(s.allOf)) return Object.assign({}, ...(s.allOf as JsonSchema[]).map((p) => minimalValue(p, now)));
  switch (s.type) {
    case "string":
      return byFormat(s.format, now);
    case "integer":
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 0;
    case "boolean":
      return false;
    case "array":
      return [];
    case "null":
      return null;
    default: {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const out: Record<string, Json> = {};
      for (const name of (s.required as string[] | undefined) ?? []) {
        if (properties[name]) out[name] = minimalValue(properties[name], now);
      }
      return out;
    }
  }
}

/** A valid object of a named component schema, with `fields` set on top. */
export function build<T extends Record<string, unknown>>(
  name: string,
  now: string,
  fields: T,
): Record<string, unknown> & T {
  const base = minimalValue({ $ref: `#/components/schemas/${name}` }, now) as Record<string, unknown>;
  return { ...base, ...fields };
}

/**
 * Whether the API can show `field` of the named schema as null. An update body may send null for a
 * field that cannot be: the emulator then keeps the field as it was, rather than store what no
 * response may carry.
 */
export function acceptsNull(name: string, field: string): boolean {
  const properties = resolve({ $ref: `#/components/schemas/${name}` }).properties as Record<string, JsonSchema>;
  const property = properties?.[field];
  if (!property) return true;
  const s = resolve(property);
  return s.type === "null" || ((s.anyOf ?? s.oneOf ?? []) as JsonSchema[]).some((b) => b.type === "null");
}
