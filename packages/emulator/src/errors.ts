import { boundedIssues, type Issue } from "./validate";

/** An API error answer: a status, a JSON body in one of the API's shapes, and headers. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`API failure ${status}`);
  }
}

/** `{error, detail}`, the shape of every `PolarError` of the API. */
export const polarError = (status: number, error: string, detail: string) => new ApiFailure(status, { error, detail });

export const notFound = (detail = "Not found") => polarError(404, "ResourceNotFound", detail);
export const notPermitted = (detail = "You don't have the permission to do this.") =>
  polarError(403, "NotPermitted", detail);

/**
 * A 422 in the API's shape: `{error, detail: [{loc, msg, type, input}]}`. A batch with an issue
 * per item lists the first ones only, and does not echo huge inputs back.
 */
export const validationFailure = (issues: Issue[]) =>
  new ApiFailure(422, { error: "PolarRequestValidationError", detail: boundedIssues(issues) });

/** A single 422 issue, for business rules the API reports as validation errors. */
export const invalid = (loc: (string | number)[], msg: string, type = "value_error", input?: unknown) =>
  validationFailure([{ loc, msg, type, ...(input !== undefined && { input }) }]);

const REALM = 'Bearer realm="polar-kit-emulator"';

/** No token on an endpoint that needs one. */
export const unauthorized = () =>
  new ApiFailure(401, { error: "Unauthorized", detail: "Unauthorized" }, { "www-authenticate": REALM });

/** A token that is unknown, expired or revoked (or, with a description, not the one required). */
export const invalidToken = (
  description = "The access token provided is expired, revoked, malformed, or invalid for other reasons.",
) =>
  new ApiFailure(
    401,
    { error: "invalid_token", error_description: description },
    { "www-authenticate": `${REALM}, error="invalid_token"` },
  );

/** A token without any of the required scopes. */
export const insufficientScope = (scopes: string[]) =>
  new ApiFailure(
    403,
    {
      error: "insufficient_scope",
      error_description: "The request requires higher privileges than provided by the access token.",
    },
    { "www-authenticate": `${REALM}, error="insufficient_scope", scope="${scopes.join(" ")}"` },
  );
