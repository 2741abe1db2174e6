import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { SpecOperation, SpecParameter } from "./spec";
import { loadSpec } from "./spec";
import { type Issue, issuesOf, unionsAsAnyOf } from "./validate";

// Query strings are text; this instance coerces them to the types the spec declares
// ("5" -> 5, "true" -> true, one value -> [value] where a list is allowed) and fills defaults.
let coercing: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (coercing) return coercing;
  coercing = new Ajv2020({ strict: false, allErrors: true, coerceTypes: "array", useDefaults: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(coercing);
  coercing.addFormat("uuid4", /^[0-9a-f-]{36}$/i);
  coercing.addSchema(unionsAsAnyOf(loadSpec().document), "polar");
  return coercing;
}

// A query string cannot carry null (a filter is just left out), and ajv's coercion would turn
// `false` and `0` into null through a `null` branch: drop those branches.
function withoutNull(schema: Record<string, unknown>): Record<string, unknown> {
  const branches = schema.anyOf as Record<string, unknown>[] | undefined;
  if (!branches) return schema;
  const kept = branches.filter((branch) => branch.type !== "null");
  const { anyOf: _anyOf, ...rest } = schema;
  return kept.length === 1 ? { ...rest, ...kept[0] } : { ...rest, anyOf: kept };
}

function querySchema(parameters: SpecParameter[]) {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const param of parameters) {
    // Parameter schemas point into the spec with local refs; anchor them to it.
    properties[param.name] = JSON.parse(JSON.stringify(withoutNull(param.schema)).replaceAll('"#/', '"polar#/'));
    if (param.required) required.push(param.name);
  }
  return { type: "object", properties, required };
}

/**
 * Reads an operation's query parameters from the URL: repeated keys become lists,
 * `metadata[key]=value` becomes `{ metadata: { key: value } }`, then values are coerced and
 * validated against the spec. Unknown parameters are ignored, as the API does.
 */
export function parseQuery(op: SpecOperation, url: URL): { query: Record<string, unknown>; issues: Issue[] } {
  const parameters = op.parameters.filter((p) => p.in === "query");
  const raw: Record<string, unknown> = {};
  const add = (target: Record<string, unknown>, key: string, value: string) => {
    const previous = target[key];
    target[key] = previous === undefined ? value : ([] as unknown[]).concat(previous, value);
  };
  for (const [key, value] of url.searchParams) {
    const deep = /^([^[\]]+)\[([^[\]]+)\]$/.exec(key);
    if (deep?.[1] && deep[2] && parameters.some((p) => p.name === deep[1])) {
      raw[deep[1]] ??= {};
      add(raw[deep[1]] as Record<string, unknown>, deep[2], value);
    } else if (parameters.some((p) => p.name === key)) {
      add(raw, key, value);
    }
  }
  let validate = compiled.get(op.id);
  if (!validate) {
    validate = instance().compile(querySchema(parameters));
    compiled.set(op.id, validate);
  }
  return { query: raw, issues: issuesOf(validate, raw, "query") };
}
