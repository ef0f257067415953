/**
 * OAuth error codes the authorization server returns.
 * @see RFC 6749 §4.1.2.1, §5.2; RFC 7591 §3.2.2; RFC 8707 §2; RFC 6750 §3.1
 */
export const OAUTH_ERROR = {
  invalidRequest: 'invalid_request',
  invalidClient: 'invalid_client',
  invalidGrant: 'invalid_grant',
  unauthorizedClient: 'unauthorized_client',
  unsupportedGrantType: 'unsupported_grant_type',
  unsupportedResponseType: 'unsupported_response_type',
  invalidScope: 'invalid_scope',
  accessDenied: 'access_denied',
  /** OpenID Connect Core §3.1.2.6: `prompt=none`, but the person must be asked. */
  interactionRequired: 'interaction_required',
  invalidTarget: 'invalid_target',
  serverError: 'server_error',
  temporarilyUnavailable: 'temporarily_unavailable',
  invalidRedirectUri: 'invalid_redirect_uri',
  invalidClientMetadata: 'invalid_client_metadata',
  invalidToken: 'invalid_token',
  insufficientScope: 'insufficient_scope',
  unsupportedTokenType: 'unsupported_token_type',
  slowDown: 'slow_down',
} as const;

export type OAuthErrorCode = (typeof OAUTH_ERROR)[keyof typeof OAUTH_ERROR];

export interface OAuthErrorOptions {
  /** HTTP status; 400 unless given. */
  status?: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503;
  /** Extra response headers, e.g. `WWW-Authenticate` or `Retry-After`. */
  headers?: Record<string, string>;
}

/**
 * The one error type that becomes a 4xx. Anything else thrown is a fault:
 * logged with its request id and answered with a generic 500.
 * `description` is shown to clients, so it must never contain a secret.
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: NonNullable<OAuthErrorOptions['status']>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: OAuthErrorCode, description: string, options: OAuthErrorOptions = {}) {
    super(description);
    this.name = 'OAuthError';
    this.code = code;
    this.status = options.status ?? 400;
    this.headers = options.headers ?? {};
  }

  /** The JSON body of RFC 6749 §5.2. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
