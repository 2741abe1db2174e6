import type { Context, Hono } from "hono";
import { authenticate, authorize } from "./auth";
import { MAX_JSON_DEPTH, nestsDeeperThan, readText } from "./body";
import type { EmulatorState, OperationHandler, OperationHandlers } from "./context";
import { Reply } from "./context";
import { ApiFailure, polarError, validationFailure } from "./errors";
import { parseQuery } from "./query";
import { loadSpec, type SpecOperation } from "./spec";
import { type Issue, inputIssues, issuesOf, validatorAt } from "./validate";

const VERSIONS = new Set(["2026-04", "2026-10"]);
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RouterOptions {
  /** Check every JSON response against the spec and answer 500 when it does not match (tests turn this on). */
  validateResponses?: boolean;
}

/** Whether the request names a `Polar-Version` the API does not have (it answers those 404). */
export function unknownVersion(c: Context): boolean {
  const version = c.req.header("polar-version");
  return version !== undefined && !VERSIONS.has(version);
}

/** The `Polar-Version` reply header: the version asked for, or the default one. */
export const versionHeader = (c: Context) => ({ "polar-version": c.req.header("polar-version") ?? "2026-04" });

const paramCount = (path: string) => path.split("{").length - 1;

/** Mounts every operation of the spec; the ones without a handler answer 501. */
export function mountOperations(app: Hono, state: EmulatorState, handlers: OperationHandlers, options: RouterOptions) {
  const operations = [...loadSpec().operations.values()].sort((a, b) => paramCount(a.path) - paramCount(b.path));
  for (const op of operations) {
    const path = op.path.replace(/\{([^}]+)\}/g, ":$1");
    // The API answers collection routes with and without their trailing slash.
    const variants = path.endsWith("/") ? [path, path.slice(0, -1)] : [path, `${path}/`];
    const handler = (handlers as Record<string, OperationHandler | undefined>)[op.id];
    for (const variant of new Set(variants)) {
      app.on(op.method, variant, (c) => run(c, op, handler, state, options));
    }
  }
}

async function readBody(c: Context, op: SpecOperation): Promise<{ body: unknown; issues: Issue[] }> {
  const text = await readText(c.req.raw, MAX_BODY_BYTES);
  if (text === undefined) throw polarError(413, "RequestEntityTooLarge", "Request body too large");
  if (!text) {
    return op.bodyRequired
      ? { body: undefined, issues: [{ loc: ["body"], msg: "Field required", type: "missing", input: null }] }
      : { body: undefined, issues: [] };
  }
  let body: unknown;
  if (op.bodyType === "application/x-www-form-urlencoded") {
    body = Object.fromEntries(new URLSearchParams(text));
  } else if (nestsDeeperThan(text)) {
    const msg = `JSON decode error: nested deeper than ${MAX_JSON_DEPTH} levels`;
    return { body: undefined, issues: [{ loc: ["body", 0], msg, type: "json_invalid" }] };
  } else {
    try {
      body = JSON.parse(text);
    } catch {
      return { body: undefined, issues: [{ loc: ["body", 0], msg: "JSON decode error", type: "json_invalid" }] };
    }
  }
  const schema = ["paths", op.path, op.method.toLowerCase(), "requestBody", "content", op.bodyType ?? "", "schema"];
  return { body, issues: inputIssues(schema, body, "body") };
}

function respond(c: Context, op: SpecOperation, result: unknown, options: RouterOptions): Response {
  const reply = result instanceof Reply ? result : new Reply(Number(Object.keys(op.responses)[0] ?? 200), result);
  const headers = { ...versionHeader(c), ...reply.headers };
  if (reply.body === undefined || reply.status === 204) return new Response(null, { status: reply.status, headers });
  if (reply.contentType !== "application/json") {
    return new Response(String(reply.body), {
      status: reply.status,
      headers: { ...headers, "content-type": reply.contentType },
    });
  }
  if (options.validateResponses && op.responses[String(reply.status)]) {
    const validate = validatorAt(
      "paths",
      op.path,
      op.method.toLowerCase(),
      "responses",
      String(reply.status),
      "content",
      "application/json",
      "schema",
    );
    const issues = issuesOf(validate, reply.body, "body");
    if (issues.length) {
      console.error(
        `[emulator] ${op.id} answered a body that does not match the spec`,
        JSON.stringify(issues.slice(0, 5)),
      );
      return c.json({ detail: "Emulator response does not match the spec", operation: op.id, issues }, 500);
    }
  }
  return c.json(reply.body as object, reply.status as 200, headers);
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Path ids are validated like the API's: a malformed UUID is a 422, not a 404. */
function pathIssues(op: SpecOperation, params: Record<string, string>): Issue[] {
  const issues: Issue[] = [];
  for (const param of op.parameters) {
    const format = param.in === "path" ? param.schema.format : undefined;
    const value = params[param.name] ?? "";
    if (format !== "uuid" && format !== "uuid4") continue;
    if (!UUID.test(value)) {
      issues.push({
        loc: ["path", param.name],
        msg: "Input should be a valid UUID",
        type: "uuid_parsing",
        input: value,
      });
    } else if (format === "uuid4" && value.replaceAll("-", "")[12] !== "4") {
      issues.push({ loc: ["path", param.name], msg: "UUID version 4 expected", type: "uuid_version", input: value });
    }
  }
  return issues;
}

async function run(
  c: Context,
  op: SpecOperation,
  handler: OperationHandler | undefined,
  state: EmulatorState,
  options: RouterOptions,
): Promise<Response> {
  try {
    if (unknownVersion(c)) return c.json({ detail: "Not Found" }, 404);
    const subject = authorize(authenticate(state.db, c.req.header("authorization"), state.clock.now()), op);
    if (!handler) throw polarError(501, "NotImplemented", `${op.id} is not emulated yet`);
    const params = c.req.param() as Record<string, string>;
    const { query, issues } = parseQuery(op, new URL(c.req.url));
    const { body, issues: bodyIssues } = op.bodySchema ? await readBody(c, op) : { body: undefined, issues: [] };
    const all = [...pathIssues(op, params), ...issues, ...bodyIssues];
    if (all.length) throw validationFailure(all);
    const context = {
      state,
      subject,
      params,
      query,
      body,
      request: c.req.raw,
    };
    const result = state.db.transaction(() => handler(context as never));
    return respond(c, op, result, options);
  } catch (error) {
    if (error instanceof ApiFailure) {
      return c.json(error.body as object, error.status as 400, error.headers);
    }
    console.error(`[emulator] ${op.id} failed`, error);
    return c.json({ detail: "Internal Server Error" }, 500);
  }
}
