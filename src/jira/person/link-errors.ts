/**
 * The errors of per-person Jira: no working link (the caller sends the
 * person to link), and a failed link attempt (a page shows its message).
 * Re-exported by `personal-jira.ts`, the contract callers import.
 */

export type JiraLinkRequiredReason = 'missing' | 'broken';

/**
 * No working link for this person: the caller sends them to link (HTTP 401
 * `invalid_token` at /mcp, so the MCP client starts a new authorization).
 * `broken`: Atlassian refused the refresh token (revoked, expired, password
 * changed) or Jira refused the stored personal token.
 * @see MCP 2025-11-25 authorization (401 starts a new authorization)
 */
export class JiraLinkRequiredError extends Error {
  readonly reason: JiraLinkRequiredReason;

  constructor(reason: JiraLinkRequiredReason, message?: string) {
    super(
      message ??
        (reason === 'missing'
          ? 'Your Jira account is not linked to this gateway yet; authorize again to link it.'
          : 'The link to your Jira account no longer works (it was revoked or expired); authorize again to re-link it.'),
    );
    this.name = 'JiraLinkRequiredError';
    this.reason = reason;
  }
}

/** Why linking failed; stable codes for callers to branch on. */
export const JIRA_LINK_ERROR = {
  /** `state` unknown, expired, already used, or started by another person. */
  invalidState: 'invalid_state',
  /** The person declined at Atlassian (`error=access_denied`) or Atlassian sent another error. */
  denied: 'denied',
  /** Atlassian refused the authorization code. */
  exchangeFailed: 'exchange_failed',
  /** The configured site is not among the sites the person granted (or none was granted). */
  siteNotGranted: 'site_not_granted',
  /** No site is configured and the person granted several: the operator must set JIRA_BASE_URL. */
  siteAmbiguous: 'site_ambiguous',
  /** Jira refused the e-mail and API token (personal-token). */
  tokenRefused: 'token_refused',
  /** Bad form input (empty e-mail, oversized token). */
  invalidInput: 'invalid_input',
  /** The operation does not exist in this mode (e.g. startLink in personal-token mode). */
  wrongMode: 'wrong_mode',
  /** Atlassian or Jira did not answer properly (timeout, 5xx, bad JSON). */
  upstream: 'upstream',
} as const;

export type JiraLinkErrorCode = (typeof JIRA_LINK_ERROR)[keyof typeof JIRA_LINK_ERROR];

/**
 * A failed link attempt. `message` is safe to show on a page (no token, no
 * upstream body); `status` is the HTTP status a page should answer with
 * (400 for the person's or the request's fault, 502 for an upstream fault).
 * @see RFC 6749 §4.1.2.1
 */
export class JiraLinkError extends Error {
  readonly code: JiraLinkErrorCode;
  readonly status: 400 | 409 | 502;

  constructor(code: JiraLinkErrorCode, message: string, status: 400 | 409 | 502 = 400) {
    super(message);
    this.name = 'JiraLinkError';
    this.code = code;
    this.status = status;
  }
}
