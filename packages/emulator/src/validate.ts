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

/**
 * The spec's `oneOf` unions come from Pydantic unions, which accept a value that fits several
 * branches (a repeating discount also fits the once/forever shape). Validate them as `anyOf`.
 */
export function unionsAsAnyOf<T>(document: T): T {
  return JSON.parse(JSON.stringify(document).replaceAll('"oneOf":', '"anyOf":')) as T;
}

const instances = new Map<boolean, Ajv2020>();

/**
 * The spec's validator instance: reporting every error (`allErrors`), or stopping at the first one,
 * which bounds the work on a large invalid input.
 */
function instance(allErrors: boolean): Ajv2020 {
  let ajv = instances.get(allErrors);
  if (ajv) return ajv;
  const { document } = loadSpec();
  ajv = new Ajv2020({ strict: false, allErrors, validateFormats: true, discriminator: false });
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
  instances.set(allErrors, ajv);
  return ajv;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
const compiled = new Map<string, ValidateFunction>();

function compiledAt(allErrors: boolean, parts: string[]): ValidateFunction {
  const key = pointer(...parts);
  let validate = compiled.get(`${allErrors}:${key}`);
  if (!validate) {
    validate = instance(allErrors).getSchema(`polar#/${key}`);
    if (!validate) throw new Error(`no schema at #/${key}`);
    compiled.set(`${allErrors}:${key}`, validate);
  }
  return validate;
}

/** The validator of a schema inside the spec, by JSON pointer segments (refs resolve in the spec). */
export const validatorAt = (...parts: string[]): ValidateFunction => compiledAt(true, parts);

/** The validator of a named component schema, e.g. `Checkout`. */
export const schemaValidator = (name: string) => validatorAt("components", "schemas", name);

const TYPE_NAMES: Record<string, string> = { integer: "int", number: "float", boolean: "bool", string: "string" };

const length = (value: unknown) => (Array.isArray(value) ? value.length : 0);

/** Range and length keywords, in Pydantic's words. */
const BOUNDS: Record<string, { type: string; msg: (limit: unknown, input: unknown) => string }> = {
  minimum: { type: "greater_than_equal", msg: (n) => `Input should be greater than or equal to ${n}` },
  exclusiveMinimum: { type: "greater_than", msg: (n) => `Input should be greater than ${n}` },
  maximum: { type: "less_than_equal", msg: (n) => `Input should be less than or equal to ${n}` },
  exclusiveMaximum: { type: "less_than", msg: (n) => `Input should be less than ${n}` },
  minLength: { type: "string_too_short", msg: (n) => `String should have at least ${n} characters` },
  maxLength: { type: "string_too_long", msg: (n) => `String should have at most ${n} characters` },
  minItems: {
    type: "too_short",
    msg: (n, input) => `List should have at least ${n} items after validation, not ${length(input)}`,
  },
  maxItems: {
    type: "too_long",
    msg: (n, input) => `List should have at most ${n} items after validation, not ${length(input)}`,
  },
};

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
    default: {
      const bound = BOUNDS[error.keyword];
      if (bound) return { loc, msg: bound.msg(error.params.limit, at), type: bound.type, input: at };
      return { loc, msg: error.message ?? "Invalid value", type: error.keyword, input: at };
    }
  }
}

/** At most this many issues are listed: past a few, more say nothing new and cost time to build. */
export const MAX_ISSUES = 50;
/** Inputs larger than this (in JSON characters) are not echoed whole in an issue. */
export const MAX_ECHO_CHARS = 1000;
/** Inputs up to this many values get every issue listed; larger ones stop at the first. */
const FULL_REPORT_NODES = 1000;

/**
 * Whether `value`, walked without recursion, stays within `budget`, counting each value with `cost`
 * (at least 1). Stops as soon as the values seen or waiting exceed it, however large the input.
 */
function within(value: unknown, budget: number, cost: (node: unknown, key: string) => number): boolean {
  const stack: [unknown, string][] = [[value, ""]];
  let spent = 0;
  const push = (node: unknown, key: string) => stack.push([node, key]) + spent <= budget;
  while (stack.length) {
    const [node, key] = stack.pop() as [unknown, string];
    spent += cost(node, key);
    if (spent + stack.length > budget) return false;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (!push(node[i], "")) return false;
    } else if (node && typeof node === "object") {
      for (const child in node) if (!push((node as Record<string, unknown>)[child], child)) return false;
    }
  }
  return true;
}

// Roughly the JSON length of a value and its key.
const jsonChars = (node: unknown, key: string) =>
  key.length + 3 + (typeof node === "string" ? node.length : typeof node === "object" ? 2 : 5);

const cut = (text: string) => (text.length > MAX_ECHO_CHARS ? `${text.slice(0, MAX_ECHO_CHARS)}…` : text);

/**
 * An issue as the client gets it: the input echoed as sent when small, a long string cut short, a
 * large structure left out; a long key in its location cut short too.
 */
function bounded(issue: Issue): Issue {
  const { input, ...rest } = issue;
  rest.loc = rest.loc.map((part) => (typeof part === "string" ? cut(part) : part));
  if (!("input" in issue) || within(input, MAX_ECHO_CHARS, jsonChars))
    return { ...rest, ...("input" in issue && { input }) };
  return typeof input === "string" ? { ...rest, input: cut(input) } : rest;
}

/** Issues as a 422 lists them: at most `MAX_ISSUES`, inputs and keys bounded. */
export const boundedIssues = (issues: Issue[]): Issue[] => issues.slice(0, MAX_ISSUES).map(bounded);

/**
 * Validates `value` and returns the issues in the API's 422 shape. Branch failures of unions are
 * reported once each, most specific first, the way the API lists them; at most `MAX_ISSUES`.
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
      if (issues.length === MAX_ISSUES) break;
    }
  }
  return issues;
}

/**
 * The issues of a request's input against the schema at `parts`. A first pass stops at the first
 * error, so a huge invalid input costs little; only inputs of a reasonable size are validated again
 * for the full list (listing every error of 10,000 array items took minutes).
 */
export function inputIssues(parts: string[], value: unknown, root: "body" | "query"): Issue[] {
  const first = compiledAt(false, parts);
  if (first(value)) return [];
  const full = within(value, FULL_REPORT_NODES, () => 1);
  return issuesOf(full ? compiledAt(true, parts) : first, value, root);
}
