/** What went wrong, as a stable machine-readable value. */
export type PolarErrorCode =
  | "bad_request"
  | "unauthorized"
  | "insufficient_scope"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "validation_failed"
  | "rate_limited"
  | "server_error"
  | "api_error"
  | "timeout"
  | "network_error"
  | "config_error"
  | "webhook_verification_failed";

/** One entry of a 422 body: where (`loc`), what (`msg`) and which rule (`type`). */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

/**
 * Base class of every error thrown by polar-kit. Messages never contain tokens or secrets.
 *
 * @example
 * try { await polar.products.get(id) } catch (e) { if (e instanceof PolarError && e.code === "not_found") … }
 */
export class PolarError extends Error {
  override name = "PolarError";
  constructor(
    readonly code: PolarErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A required option is missing or invalid. The message names the option and its variable, never a value. */
export class PolarConfigError extends PolarError {
  override name = "PolarConfigError";
  constructor(
    /** The missing or invalid option, e.g. `"accessToken"`. */
    readonly option: string,
    message: string,
  ) {
    super("config_error", message);
  }
}

// The one table from HTTP status to error code; 5xx and the rest are handled below it.
const CODE_BY_STATUS: Record<number, PolarErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  422: "validation_failed",
  429: "rate_limited",
};

/** Facts about a failed API response, as read by the transport. */
export interface ApiErrorInit {
  status: number;
  method: string;
  path: string;
  body: unknown;
  requestId?: string | undefined;
  retryAfter?: number | undefined;
}

/**
 * The API answered with a non-2xx status. `error` and `detail` are the body's own fields; a 422
 * also lists its `issues`; a 429 carries `retryAfter` (seconds) when the server sent one.
 */
export class PolarApiError extends PolarError {
  override name = "PolarApiError";
  // `declare` keeps these out of the emitted class body; the constructor assigns them.
  declare readonly status: number;
  /** The body's `error` field: an exception class name (`ResourceNotFound`) or an OAuth error (`invalid_token`). */
  declare readonly error: string | undefined;
  declare readonly detail: unknown;
  declare readonly issues: ValidationIssue[];
  declare readonly requestId: string | undefined;
  declare readonly retryAfter: number | undefined;
  /** The operation's method and path template (never the filled-in path, which may hold secrets). */
  declare readonly method: string;
  declare readonly path: string;
  declare readonly body: unknown;

  constructor(init: ApiErrorInit) {
    const { status, body } = init;
    const fields = (body ?? {}) as { error?: unknown; detail?: unknown; error_description?: unknown };
    const error = typeof fields.error === "string" ? fields.error : undefined;
    const detail = fields.detail ?? fields.error_description;
    const issues = Array.isArray(detail) ? (detail as ValidationIssue[]) : [];
    const summary = issues.length
      ? issues.map((issue) => `${issue.loc?.join(".")}: ${issue.msg}`).join("; ")
      : typeof detail === "string"
        ? detail
        : "";
    super(
      error === "insufficient_scope"
        ? error
        : (CODE_BY_STATUS[status] ?? (status > 499 ? "server_error" : "api_error")),
      `Polar API ${status}${error ? ` ${error}` : ""} on ${init.method} ${init.path}${summary && `: ${summary}`}${
        init.requestId ? ` (request id ${init.requestId})` : ""
      }`,
    );
    Object.assign(this, init, { error, detail, issues });
  }
}

/**
 * No response arrived: `code` is `"timeout"` when `timeoutMs` ran out, `"network_error"` when the
 * connection failed (DNS, refused, dropped) or the response was cut short; the underlying error is the `cause`.
 */
export class PolarConnectionError extends PolarError {
  override name = "PolarConnectionError";
}
