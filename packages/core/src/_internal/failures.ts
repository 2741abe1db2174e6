import { PolarError, type ValidationIssue } from "../errors";
import { jsonError, RequestError } from "./http";

/** Where handlers report what they do not tell clients. */
export type Logger = Pick<Console, "warn" | "error">;

/**
 * Turns anything a handler threw into a safe response: the client gets a status and a code, the
 * log gets the reason; neither gets a stack trace, a token or a secret. Told apart here: a
 * request's own mistakes (`RequestError`) and a missing or invalid config; `apiFailureResponse`
 * adds the API's failures for the handlers that call it, so the webhook route does not carry them.
 */
export function failureResponse(error: unknown, logger: Logger, what = "handler"): Response {
  // The request's own mistake is answered in full: nothing for the server's log.
  if (error instanceof RequestError) {
    return jsonError(error.status, error.error, error.message, error.parameter);
  }
  if (error instanceof PolarError && error.code === "config_error") {
    logger.error(`[polar-kit] ${error.message}`);
    return jsonError(500, "server_misconfigured", "Polar is not configured on this server");
  }
  logger.error(`[polar-kit] ${what} failed`, error);
  return jsonError(500, "handler_failed", "Internal error");
}

/** What a `PolarApiError` carries beyond the base class; told apart by `code`, not by class. */
type ApiFailure = PolarError & { status?: number; issues?: ValidationIssue[]; detail?: unknown };

/** `failureResponse`, plus the answers for an API call that failed (422 → 400, timeouts, 5xx). */
export function apiFailureResponse(error: unknown, logger: Logger): Response {
  if (!(error instanceof PolarError)) return failureResponse(error, logger);
  const { code, status, issues, detail } = error as ApiFailure;
  // A 422 is the request's own mistake, answered in full: nothing for the server's log.
  if (code === "validation_failed" && issues) {
    const reported = issues.map(({ loc, msg, type }) => ({ loc, msg, type }));
    return jsonError(400, "invalid_request", reported.length ? reported : String(detail ?? "Invalid request"));
  }
  const timedOut = code === "timeout";
  if (!timedOut && !status && code !== "network_error") return failureResponse(error, logger);
  logger.error(`[polar-kit] ${error.message}`);
  return timedOut
    ? jsonError(504, "upstream_timeout", "Polar API did not answer in time")
    : jsonError(
        502,
        "upstream_error",
        status ? `Polar API request failed (${status})` : "Polar API could not be reached",
      );
}
