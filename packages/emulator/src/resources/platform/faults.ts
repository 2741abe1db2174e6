import type { IncomingMessage } from "node:http";
import type { Context, Hono } from "hono";
import { uuid } from "../../ids";
import type { Issue } from "../../validate";
import { issue, readObject, unprocessable } from "./emulator-input";

const KINDS = ["429", "503", "drop"] as const;
type FaultKind = (typeof KINDS)[number];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const FIELDS = new Set(["path", "method", "count", "kind", "retry_after"]);

/** A fault as the routes show it. */
interface Fault {
  id: string;
  path: string;
  method: string | null;
  /** Requests it still applies to. */
  count: number;
  kind: FaultKind;
  retry_after: number | null;
}

/**
 * `/v1/products/{id}` or `/v1/products/*` style patterns: `{name}` is one segment, `*` anything;
 * a trailing slash is optional, as it is for the API's routes.
 */
function compile(path: string): RegExp {
  const source = path
    .replace(/\/+$/, "")
    .split(/(\{[^}/]+\}|\*)/)
    .map((part) =>
      part === "*" ? ".*" : /^\{.+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}/?$`);
}

const isInteger = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

/** Validates a `POST /__emulator/faults` body into a fault, or the issues in the API's shape. */
function parseFault(body: Record<string, unknown>): Fault | Issue[] {
  const issues: Issue[] = [];
  for (const key of Object.keys(body)) {
    if (!FIELDS.has(key))
      issues.push({ loc: ["body", key], msg: "Extra inputs are not permitted", type: "extra_forbidden" });
  }
  const { path, method = null, count = 1, kind, retry_after: retryAfter = null } = body;
  if (typeof path !== "string" || !path.startsWith("/") || path.length > 2048) {
    issues.push(issue("path", "Input should be a path starting with '/' (at most 2048 characters)", "path", path));
  }
  if (method !== null && (typeof method !== "string" || !METHODS.includes(method.toUpperCase()))) {
    issues.push(issue("method", `Input should be one of ${METHODS.join(", ")}`, "enum", method));
  }
  if (!isInteger(count, 1, 1_000_000))
    issues.push(issue("count", "Input should be an integer from 1 to 1000000", "int", count));
  if (!KINDS.includes(kind as FaultKind))
    issues.push(issue("kind", `Input should be ${KINDS.map((k) => `'${k}'`).join(", ")}`, "enum", kind));
  if (retryAfter !== null && !isInteger(retryAfter, 0, 86_400)) {
    issues.push(issue("retry_after", "Input should be a number of seconds from 0 to 86400", "int", retryAfter));
  }
  if (issues.length) return issues;
  return {
    id: uuid(),
    path: path as string,
    method: method === null ? null : (method as string).toUpperCase(),
    count: count as number,
    kind: kind as FaultKind,
    retry_after: retryAfter === null && kind === "429" ? 1 : (retryAfter as number | null),
  };
}

/** The faults armed on one emulator; each applies to the next `count` matching requests. */
class FaultTable {
  readonly #faults: { fault: Fault; pattern: RegExp }[] = [];

  add(fault: Fault): void {
    this.#faults.push({ fault, pattern: compile(fault.path) });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  list(): Fault[] {
    return this.#faults.map(({ fault }) => ({ ...fault }));
  }

  /** The first armed fault that matches, used up by one. */
  take(method: string, path: string): Fault | undefined {
    const index = this.#faults.findIndex(
      ({ fault, pattern }) => (fault.method === null || fault.method === method) && pattern.test(path),
    );
    const entry = this.#faults[index];
    if (!entry) return undefined;
    entry.fault.count -= 1;
    if (entry.fault.count <= 0) this.#faults.splice(index, 1);
    return entry.fault;
  }
}

function inject(c: Context, fault: Fault): Response {
  const retryAfter: Record<string, string> =
    fault.retry_after === null ? {} : { "retry-after": String(fault.retry_after) };
  switch (fault.kind) {
    // Polar's rate limiter answers with an empty body.
    case "429":
      return c.body(null, 429, retryAfter);
    case "503":
      return c.json({ detail: "Service Unavailable" }, 503, retryAfter);
    case "drop": {
      // Close the connection without any answer: what a crashed proxy or a network cut looks like.
      const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
      if (!incoming) return c.json({ detail: "Cannot drop a connection outside the Node server" }, 500);
      incoming.socket.destroy();
      return c.body(null, 500);
    }
  }
}

const isEmulatorRoute = (path: string) => path === "/__emulator" || path.startsWith("/__emulator/");

/**
 * Fault injection, off until armed: a middleware in front of every route (the API operations are
 * mounted after it), and `POST`/`GET`/`DELETE /__emulator/faults` to arm, list and clear faults.
 * The emulator's own routes are never faulted, so faults can always be cleared.
 */
export function faultRoutes(app: Hono): void {
  const table = new FaultTable();
  app.use("*", async (c, next) => {
    const fault = isEmulatorRoute(c.req.path) ? undefined : table.take(c.req.method, c.req.path);
    if (!fault) return next();
    return inject(c, fault);
  });
  app.post("/__emulator/faults", async (c) => {
    const body = await readObject(c);
    if (Array.isArray(body)) return unprocessable(c, body);
    const fault = parseFault(body);
    if (Array.isArray(fault)) return unprocessable(c, fault);
    table.add(fault);
    return c.json(fault, 201);
  });
  app.get("/__emulator/faults", (c) => c.json({ items: table.list() }));
  app.delete("/__emulator/faults", (c) => {
    table.clear();
    return c.body(null, 204);
  });
}
