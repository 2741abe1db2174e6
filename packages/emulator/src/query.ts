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

// Pydantic reads an integer from text only when it is written as one: "1e3", "1.5" and "1e309"
// (which would coerce to Infinity and reach SQL as such) are refused.
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;

const takesIntegers = (schema: Record<string, unknown>) =>
  [schema, ...((schema.anyOf as Record<string, unknown>[] | undefined) ?? [])].some((s) => s.type === "integer");

type Values = Record<string, unknown>;
const isValues = (value: unknown): value is Values =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Adds one more value of `key`: the first is kept as is, repeats make a list. */
function add(target: Values, key: string, value: string): void {
  const previous = target[key];
  if (previous === undefined) target[key] = value;
  else if (Array.isArray(previous)) previous.push(value);
  else target[key] = [previous, value];
}

/** Integer parameters whose text is not an integer, as the API reports them; they are dropped from `raw`. */
function integerIssues(parameters: SpecParameter[], raw: Values): Issue[] {
  const issues: Issue[] = [];
  for (const param of parameters) {
    const value = raw[param.name];
    if (value === undefined || !takesIntegers(withoutNull(param.schema))) continue;
    const bad = (Array.isArray(value) ? value : [value]).find((v) => typeof v === "string" && !INTEGER_TEXT.test(v));
    if (bad === undefined) continue;
    delete raw[param.name];
    issues.push({
      loc: ["query", param.name],
      msg: "Input should be a valid integer, unable to parse string as an integer",
      type: "int_parsing",
      input: bad,
    });
  }
  return issues;
}

/**
 * Reads an operation's query parameters from the URL: repeated keys become lists,
 * `metadata[key]=value` becomes `{ metadata: { key: value } }`, then values are coerced and
 * validated against the spec. Unknown parameters are ignored, as the API does.
 */
export function parseQuery(op: SpecOperation, url: URL): { query: Record<string, unknown>; issues: Issue[] } {
  const parameters = op.parameters.filter((p) => p.in === "query");
  const names = new Set(parameters.map((p) => p.name));
  // No prototype: a key named `__proto__` or `constructor` is a key like any other.
  const raw: Values = Object.create(null);
  for (const [key, value] of url.searchParams) {
    const deep = /^([^[\]]+)\[([^[\]]+)\]$/.exec(key);
    if (deep?.[1] && deep[2] && names.has(deep[1])) {
      if (!isValues(raw[deep[1]])) raw[deep[1]] = Object.create(null);
      add(raw[deep[1]] as Values, deep[2], value);
    } else if (names.has(key)) {
      add(raw, key, value);
    }
  }
  const parsing = integerIssues(parameters, raw);
  let validate = compiled.get(op.id);
  if (!validate) {
    validate = instance().compile(querySchema(parameters));
    compiled.set(op.id, validate);
  }
  return { query: raw, issues: [...parsing, ...issuesOf(validate, raw, "query")] };
}
