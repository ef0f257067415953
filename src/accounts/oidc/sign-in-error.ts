/**
 * Every way a sign-in at the organisation's OpenID provider can fail, each
 * with the page the person sees: a status, a title and plain words. Never a
 * 500: a provider that is down or misbehaves is not a fault of the gateway.
 */

export const OIDC_FAILURE = {
  /** The provider answered with `error` (e.g. `access_denied`: the person cancelled). */
  providerError: 'provider_error',
  /** No sign-in of this browser is in flight: expired, never started, or already used. */
  noSignInInFlight: 'no_sign_in_in_flight',
  /** `state` does not match the sign-in this browser started. */
  stateMismatch: 'state_mismatch',
  /** The ID token names another issuer (also the RFC 9207 `iss` parameter). */
  wrongIssuer: 'wrong_issuer',
  /** The ID token is for another client. */
  wrongAudience: 'wrong_audience',
  /** The ID token's `nonce` is not the one this sign-in sent. */
  nonceMismatch: 'nonce_mismatch',
  /** The ID token expired, or is not valid yet. */
  tokenTime: 'token_time',
  /** Anything else the provider answered that cannot be trusted (signature, shape, token error). */
  invalidResponse: 'invalid_response',
  /** The provider could not be reached (discovery, token endpoint or keys). */
  providerUnreachable: 'provider_unreachable',
  /** The e-mail domain rule refused the person. */
  emailDomain: 'email_domain_not_allowed',
  /** The group rule refused the person. */
  group: 'group_not_allowed',
  /** An administrator disabled the account. */
  disabled: 'account_disabled',
} as const;

export type OidcFailure = (typeof OIDC_FAILURE)[keyof typeof OIDC_FAILURE];

/** What the person is shown for a failure. */
export interface FailurePage {
  status: 400 | 403 | 502 | 503;
  title: string;
  message: string;
}

const START_AGAIN = 'Go back to the application and start signing in again.';

/**
 * The page for each failure. Messages say what happened and what to do,
 * never a token, a claim value or an internal detail.
 * @see OpenID Connect Core 1.0 §3.1.3.7 (ID token validation)
 */
export function failurePage(failure: OidcFailure, providerName: string): FailurePage {
  switch (failure) {
    case OIDC_FAILURE.providerError:
      return {
        status: 403,
        title: 'Sign-in cancelled',
        message: `${providerName} did not sign you in (it answered that access was denied or the sign-in failed). ${START_AGAIN}`,
      };
    case OIDC_FAILURE.noSignInInFlight:
      return {
        status: 400,
        title: 'Sign-in expired',
        message: `This sign-in link has expired or was already used. ${START_AGAIN}`,
      };
    case OIDC_FAILURE.stateMismatch:
      return {
        status: 400,
        title: 'Sign-in refused',
        message: `The answer from ${providerName} does not belong to the sign-in this browser started. ${START_AGAIN}`,
      };
    case OIDC_FAILURE.wrongIssuer:
    case OIDC_FAILURE.wrongAudience:
    case OIDC_FAILURE.nonceMismatch:
    case OIDC_FAILURE.invalidResponse:
      return {
        status: 502,
        title: 'Sign-in refused',
        message: `The answer from ${providerName} could not be verified, so you were not signed in. ${START_AGAIN} If it happens again, tell your administrator.`,
      };
    case OIDC_FAILURE.tokenTime:
      return {
        status: 502,
        title: 'Sign-in refused',
        message: `The answer from ${providerName} is expired or not yet valid (the clocks of the two servers may disagree). ${START_AGAIN} If it happens again, tell your administrator.`,
      };
    case OIDC_FAILURE.providerUnreachable:
      return {
        status: 503,
        title: 'Sign-in unavailable',
        message: `${providerName} cannot be reached right now, so nobody can sign in through it. Try again in a few minutes; if it persists, tell your administrator.`,
      };
    case OIDC_FAILURE.emailDomain:
      return {
        status: 403,
        title: 'Access not allowed',
        message: `Your account at ${providerName} is not in an e-mail domain allowed to use this gateway. Ask your administrator if you need access.`,
      };
    case OIDC_FAILURE.group:
      return {
        status: 403,
        title: 'Access not allowed',
        message: `Your account at ${providerName} is not in a group allowed to use this gateway. Ask your administrator if you need access.`,
      };
    case OIDC_FAILURE.disabled:
      return {
        status: 403,
        title: 'Account disabled',
        message: 'An administrator has disabled your account on this gateway.',
      };
  }
}

/** A failed sign-in at the OpenID provider; `detail` is for the log, never the page. */
export class OidcSignInError extends Error {
  readonly failure: OidcFailure;
  readonly detail: string;

  constructor(failure: OidcFailure, detail: string, options?: { cause?: unknown }) {
    super(`${failure}: ${detail}`, options);
    this.name = 'OidcSignInError';
    this.failure = failure;
    this.detail = detail;
  }
}
