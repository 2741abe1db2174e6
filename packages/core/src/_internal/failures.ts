import { PolarConfigError } from "../config";
import { PolarApiError, PolarConnectionError } from "../errors";
import { jsonError } from "./http";

/** Where handlers report what they do not tell clients. */
export type Logger = Pick<Console, "warn" | "error">;

/**
 * Turns anything a handler threw into a safe response: the client gets a status and a code,
 * the log gets the reason; neither gets a stack trace, a token or a secret.
 */
export function failureResponse(error: unknown, logger: Logger): Response {
  if (error instanceof PolarConfigError) {
    logger.error(`[polar-kit] ${error.message}`);
    return jsonError(500, "server_misconfigured", "Polar is not configured on this server");
  }
  if (error instanceof PolarApiError) {
    if (error.status === 422) {
      const issues = error.issues.map(({ loc, msg, type }) => ({ loc, msg, type }));
      return jsonError(400, "invalid_request", issues.length ? issues : String(error.detail ?? "Invalid request"));
    }
    logger.error(`[polar-kit] ${error.message}`);
    return jsonError(502, "upstream_error", `Polar API request failed (${error.status})`);
  }
  if (error instanceof PolarConnectionError) {
    logger.error(`[polar-kit] ${error.message}`);
    return error.code === "timeout"
      ? jsonError(504, "upstream_timeout", "Polar API did not answer in time")
      : jsonError(502, "upstream_error", "Polar API could not be reached");
  }
  logger.error("[polar-kit] unexpected error in handler", error);
  return jsonError(500, "handler_failed", "Internal error");
}
