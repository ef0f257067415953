/**
 * Turns a non-2xx Jira answer into a {@link JiraError} whose message a model
 * can act on. Jira's own `errorMessages`/`errors` are kept: they say which
 * field is wrong and are meant for end users.
 */
import { z } from 'zod';
import { JIRA_ERROR, JiraError } from './errors.js';

const MAX_MESSAGES = 10;
const MAX_MESSAGE_LENGTH = 500;

/** Jira's ErrorCollection, read leniently: any part may be missing. */
const ERROR_COLLECTION = z.looseObject({
  errorMessages: z.array(z.unknown()).optional(),
  errors: z.record(z.string(), z.unknown()).optional(),
});

export interface ErrorCollection {
  errorMessages: string[];
  fieldErrors: Record<string, string>;
}

/** Removes every occurrence of the given secrets from a string. */
export type Redactor = (text: string) => string;

/**
 * A redactor for the API token and the Basic credential derived from it, so
 * that a Jira (or proxy) error that echoes a header cannot leak it onward.
 * @see RFC 7617 §2
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const needle of needles) out = out.split(needle).join('[redacted]');
    return out;
  };
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}

/**
 * Reads Jira's ErrorCollection out of an error body; anything that is not
 * one (an HTML page from a proxy) yields empty lists.
 * @see Jira Cloud platform REST API v3, ErrorCollection
 */
export function parseErrorCollection(bodyText: string, redact: Redactor): ErrorCollection {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { errorMessages: [], fieldErrors: {} };
  }
  const parsed = ERROR_COLLECTION.safeParse(json);
  if (!parsed.success) return { errorMessages: [], fieldErrors: {} };
  const errorMessages = (parsed.data.errorMessages ?? [])
    .filter((m): m is string => typeof m === 'string' && m !== '')
    .slice(0, MAX_MESSAGES)
    .map((m) => clip(redact(m)));
  const fieldErrors: Record<string, string> = {};
  for (const [field, message] of Object.entries(parsed.data.errors ?? {}).slice(0, MAX_MESSAGES)) {
    if (typeof message === 'string') fieldErrors[clip(redact(field))] = clip(redact(message));
  }
  return { errorMessages, fieldErrors };
}

function details(collection: ErrorCollection): string {
  const parts = [...collection.errorMessages];
  const fields = Object.entries(collection.fieldErrors).map(([f, m]) => `${f}: ${m}`);
  if (fields.length > 0) parts.push(`field errors: ${fields.join('; ')}`);
  return parts.length > 0 ? ` Jira says: ${parts.join(' ')}` : '';
}

export interface ResponseErrorContext {
  status: number;
  bodyText: string;
  /** What the request was about, e.g. `Issue DEMO-1`; shown in 404 messages. */
  subject: string;
  /** `METHOD /path` without the query, for messages. */
  operation: string;
  /** Parsed `Retry-After`, in seconds, when Jira sent one. */
  retryAfterSeconds: number | undefined;
  /** How many requests were made (1 + retries). */
  attempts: number;
  redact: Redactor;
}

/** A body that is a web page: Jira's REST API never answers in HTML. */
function looksLikeHtml(bodyText: string): boolean {
  const head = bodyText.slice(0, 512).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.includes('<html');
}

/**
 * Jira Cloud answers a request whose Basic credential it does not accept as
 * if nobody had signed in (404 for issues, empty project lists, 401 only
 * where anonymous access is impossible) and says so only in the
 * `X-Seraph-LoginReason` header. Returns the error to report instead of the
 * anonymous answer, whatever its status; undefined when the header does not
 * say the sign-in failed.
 * @see https://developer.atlassian.com/cloud/jira/platform/basic-auth-for-rest-apis/
 */
export function maskedCredentialError(
  loginReason: string | null,
  status: number,
  operation: string,
): JiraError | undefined {
  if (loginReason === null) return undefined;
  const reasons = loginReason.split(',').map((r) => r.trim().toUpperCase());
  if (reasons.includes('AUTHENTICATION_DENIED')) {
    return new JiraError(
      JIRA_ERROR.unauthorized,
      `Jira refused to check the Jira credential (X-Seraph-LoginReason: AUTHENTICATION_DENIED on ${operation}, HTTP ${status}): after too many failed sign-ins Jira asks for a CAPTCHA. Sign in to Jira once in a browser as that account, then check its e-mail and API token; retrying will not help.`,
      { status },
    );
  }
  if (reasons.includes('AUTHENTICATED_FAILED')) {
    return new JiraError(
      JIRA_ERROR.unauthorized,
      `Jira did not accept the Jira credential and answered ${operation} as an anonymous visitor (X-Seraph-LoginReason: AUTHENTICATED_FAILED, HTTP ${status}), so issues would look missing and project lists empty. Check the Jira e-mail and API token (an API token of this Atlassian site’s account); retrying will not help.`,
      { status },
    );
  }
  return undefined;
}

/**
 * Maps a Jira HTTP error status to a stable code and an actionable message.
 * A 404 web page instead of a REST answer means the base URL is wrong
 * (Jira's "Oops, you've found a dead link" page); the page is never quoted.
 * @see Jira Cloud platform REST API v3, status codes
 */
export function errorFromResponse(ctx: ResponseErrorContext): JiraError {
  if (ctx.status === 404 && looksLikeHtml(ctx.bodyText)) {
    return new JiraError(
      JIRA_ERROR.invalidResponse,
      `Jira answered ${ctx.operation} with a web page (HTTP 404), not a REST answer: the Jira base URL is probably wrong. It must be the site root, like https://acme.atlassian.net (on Data Center with its context path, like https://jira.example.com/jira).`,
      { status: ctx.status },
    );
  }
  const collection = parseErrorCollection(ctx.bodyText, ctx.redact);
  const extra = details(collection);
  const base = {
    status: ctx.status,
    errorMessages: collection.errorMessages,
    fieldErrors: collection.fieldErrors,
  };
  const tries = ctx.attempts === 1 ? '1 attempt' : `${ctx.attempts} attempts`;
  switch (ctx.status) {
    case 400:
    case 413:
    case 422:
      return new JiraError(
        JIRA_ERROR.invalidRequest,
        `Jira rejected ${ctx.operation} (HTTP ${ctx.status}); fix the input and retry.${extra}`,
        base,
      );
    case 401:
      return new JiraError(
        JIRA_ERROR.unauthorized,
        'Jira rejected the gateway’s Jira credential (HTTP 401). An administrator must update the Jira email and API token; retrying will not help.',
        base,
      );
    case 403:
      return new JiraError(
        JIRA_ERROR.forbidden,
        `The gateway’s Jira account is not allowed to do ${ctx.operation} (HTTP 403).${extra}`,
        base,
      );
    case 404:
      return new JiraError(
        JIRA_ERROR.notFound,
        `${ctx.subject} does not exist or you cannot see it.`,
        base,
      );
    case 409:
      return new JiraError(
        JIRA_ERROR.conflict,
        `Jira refused ${ctx.operation} because of a conflicting change (HTTP 409); re-read the issue and retry.${extra}`,
        base,
      );
    case 429: {
      const wait = ctx.retryAfterSeconds;
      const hint = wait === undefined ? 'retry in a minute' : `retry after ${wait} s`;
      const options = wait === undefined ? base : { ...base, retryAfterSeconds: wait };
      return new JiraError(
        JIRA_ERROR.rateLimited,
        `Jira rate limited the gateway (${tries}); ${hint}.`,
        options,
      );
    }
    default:
      if (ctx.status >= 500) {
        const options =
          ctx.retryAfterSeconds === undefined
            ? base
            : { ...base, retryAfterSeconds: ctx.retryAfterSeconds };
        return new JiraError(
          JIRA_ERROR.unavailable,
          `Jira is unavailable (HTTP ${ctx.status} after ${tries}); try again later.`,
          options,
        );
      }
      return new JiraError(
        JIRA_ERROR.invalidResponse,
        `Jira answered ${ctx.operation} with unexpected HTTP ${ctx.status}.${extra}`,
        base,
      );
  }
}
