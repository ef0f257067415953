/**
 * The one error type the Jira client throws. Its message is written for the
 * model that called a tool: it says what went wrong and what to do next, and
 * it is safe to show (it never carries the API token, the Authorization
 * header or the credential, because every string that came from Jira is
 * redacted before it lands here).
 */

/** Stable codes; callers branch on these, never on messages. */
export const JIRA_ERROR = {
  notFound: 'not_found',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  invalidRequest: 'invalid_request',
  conflict: 'conflict',
  rateLimited: 'rate_limited',
  unavailable: 'unavailable',
  timeout: 'timeout',
  network: 'network',
  notConfigured: 'not_configured',
  invalidResponse: 'invalid_response',
} as const;

export type JiraErrorCode = (typeof JIRA_ERROR)[keyof typeof JIRA_ERROR];

export interface JiraErrorOptions {
  /** The HTTP status Jira answered with, when it answered. */
  status?: number;
  /** Seconds Jira asked us to wait (`Retry-After`), for `rate_limited`. */
  retryAfterSeconds?: number;
  /** Jira's `errorMessages` (ErrorCollection), already redacted. */
  errorMessages?: readonly string[];
  /** Jira's field `errors` (ErrorCollection), already redacted. */
  fieldErrors?: Readonly<Record<string, string>>;
}

/** The serialisable, secret-free view of a {@link JiraError}. */
export interface JiraErrorJson {
  code: JiraErrorCode;
  message: string;
  status?: number;
  retryAfterSeconds?: number;
  errorMessages?: readonly string[];
  fieldErrors?: Readonly<Record<string, string>>;
}

/**
 * A failed Jira call, with a stable `code` and an actionable message.
 * Deliberately has no `cause`: a low-level cause (a fetch error, a Request)
 * could drag a header or URL with it into a log line.
 * @see Jira Cloud REST v3 ErrorCollection
 */
export class JiraError extends Error {
  readonly code: JiraErrorCode;
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly errorMessages: readonly string[];
  readonly fieldErrors: Readonly<Record<string, string>>;

  constructor(code: JiraErrorCode, message: string, options: JiraErrorOptions = {}) {
    super(message);
    this.name = 'JiraError';
    this.code = code;
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.errorMessages = options.errorMessages ?? [];
    this.fieldErrors = options.fieldErrors ?? {};
  }

  /** What a tool result or log line may carry. */
  toJSON(): JiraErrorJson {
    const json: JiraErrorJson = { code: this.code, message: this.message };
    if (this.status !== undefined) json.status = this.status;
    if (this.retryAfterSeconds !== undefined) json.retryAfterSeconds = this.retryAfterSeconds;
    if (this.errorMessages.length > 0) json.errorMessages = this.errorMessages;
    if (Object.keys(this.fieldErrors).length > 0) json.fieldErrors = this.fieldErrors;
    return json;
  }
}

/**
 * True for a {@link JiraError}, optionally of one code.
 * @see Jira Cloud platform REST API v3, ErrorCollection
 */
export function isJiraError(value: unknown, code?: JiraErrorCode): value is JiraError {
  return value instanceof JiraError && (code === undefined || value.code === code);
}
