import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { loadSpec } from "./spec";

/** A 422 issue in the API's own shape. */
export interface Issue {
  loc: (string | number)[];
  msg: string;
  type: string;
  input?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

let ajv: Ajv2020 | undefined;

/**
 * The spec's `oneOf` unions come from Pydantic unions, which accept a value that fits several
 * branches (a repeating discount also fits the once/forever shape). Validate them as `anyOf`.
 */
export function unionsAsAnyOf<T>(document: T): T {
  return JSON.parse(JSON.stringify(document).replaceAll('"oneOf":', '"anyOf":')) as T;
}

function instance(): Ajv2020 {
  if (ajv) return ajv;
  const { document } = loadSpec();
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, discriminator: false });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  // Formats the spec uses beyond JSON Schema's own.
  ajv.addFormat("uuid4", UUID);
  // Pydantic's URL type, not RFC 3986: the API accepts `{CHECKOUT_ID}` placeholders in URLs.
  ajv.addFormat("uri", (value: string) => /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+/i.test(value));
  ajv.addFormat("ipvanyaddress", /^[0-9a-f:.]+$/i);
  ajv.addFormat("idn-email", true);
  ajv.addFormat("binary", true);
  ajv.addFormat("path", true);
  ajv.addSchema(unionsAsAnyOf(document), "polar");
  return ajv;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
const compiled = new Map<string, ValidateFunction>();

/** The validator of a schema inside the spec, by JSON pointer segments (refs resolve in the spec). */
export function validatorAt(...parts: string[]): ValidateFunction {
  const key = pointer(...parts);
  let validate = compiled.get(key);
  if (!validate) {
    validate = instance().getSchema(`polar#/${key}`);
    if (!validate) throw new Error(`no schema at #/${key}`);
    compiled.set(key, validate);
  }
  return validate;
}

/** The validator of a named component schema, e.g. `Checkout`. */
export const schemaValidator = (name: string) => validatorAt("components", "schemas", name);

const TYPE_NAMES: Record<string, string> = { integer: "int", number: "float", boolean: "bool", string: "string" };

function toIssue(error: ErrorObject, root: string, input: unknown): Issue {
  const loc: (string | number)[] = [
    root,
    ...error.instancePath
      .split("/")
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replaceAll("~1", "/").replaceAll("~0", "~"))),
  ];
  const at = loc.slice(1).reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], input);
  switch (error.keyword) {
    case "required":
      return { loc: [...loc, error.params.missingProperty], msg: "Field required", type: "missing", input: at };
    case "type": {
      const type = String(error.params.type).split(",")[0] ?? "value";
      return { loc, msg: `Input should be a valid ${type}`, type: `${TYPE_NAMES[type] ?? type}_type`, input: at };
    }
    case "enum":
    case "const":
      return {
        loc,
        msg: `Input should be ${JSON.stringify(error.params.allowedValues ?? error.params.allowedValue)}`,
        type: "enum",
        input: at,
      };
    case "additionalProperties":
      return {
        loc: [...loc, error.params.additionalProperty],
        msg: "Extra inputs are not permitted",
        type: "extra_forbidden",
      };
    case "format":
      return {
        loc,
        msg: `Input should be a valid ${error.params.format}`,
        type: `${error.params.format}_parsing`,
        input: at,
      };
    default:
      return { loc, msg: error.message ?? "Invalid value", type: error.keyword, input: at };
  }
}

/**
 * Validates `value` and returns the issues in the API's 422 shape. Branch failures of unions are
 * reported once each, most specific first, the way the API lists them.
 */
export function issuesOf(validate: ValidateFunction, value: unknown, root: "body" | "query"): Issue[] {
  if (validate(value)) return [];
  // "should be null" only restates that a nullable field got a wrong value; the other branch says what.
  const errors = (validate.errors ?? []).filter(
    (e) => !["anyOf", "oneOf", "if", "not"].includes(e.keyword) && !(e.keyword === "type" && e.params.type === "null"),
  );
  const seen = new Set<string>();
  const issues: Issue[] = [];
  // Deeper paths first: they say more than "the whole object did not match".
  errors.sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const error of errors) {
    const issue = toIssue(error, root, value);
    const key = `${issue.loc.join(".")}|${issue.type}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}
