// OAuth 2.0 errors in the RFC shape `{error, error_description}` (RFC 6749 §5.2, RFC 7009,
// RFC 7591 §3.2.2), as the API's authorization server (authlib) answers them.
import { ApiFailure } from "../../errors";

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "unsupported_token_type"
  | "invalid_scope"
  | "access_denied"
  | "invalid_client_metadata"
  | "invalid_redirect_uri"
  | "invalid_sub";

/** One refused OAuth request: the RFC error code, a human description and the HTTP status. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
  ) {
    super(`${error}: ${description}`);
  }

  get body() {
    return { error: this.error, error_description: this.description };
  }

  /** The same error for a handler behind the spec router. */
  toFailure(): ApiFailure {
    const headers: Record<string, string> = this.status === 401 ? { "www-authenticate": BASIC_CHALLENGE } : {};
    return new ApiFailure(this.status, this.body, headers);
  }
}

// RFC 6749 §5.2: a 401 `invalid_client` carries a challenge for the scheme the client may use.
export const BASIC_CHALLENGE = 'Basic realm="polar-kit-emulator"';

export const invalidRequest = (description: string) => new OAuthError("invalid_request", description);
export const invalidGrant = (description: string) => new OAuthError("invalid_grant", description);
export const invalidClient = (description = "Client authentication failed.") =>
  new OAuthError("invalid_client", description, 401);

/** Runs `fn` for a handler behind the spec router, turning an `OAuthError` into its failure. */
export function answering<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof OAuthError) throw error.toFailure();
    throw error;
  }
}
