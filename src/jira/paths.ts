/**
 * Builds request URLs under the configured Jira site. Every value that goes
 * into a path is validated against a strict pattern and percent-encoded, so
 * no input (`../`, `%2F`, `//evil`) can move the request outside `baseUrl`.
 */
import { JIRA_ERROR, JiraError } from './errors.js';

const ISSUE_KEY = /^[A-Z][A-Z0-9_]+-\d+$/;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]+$/;
const NUMERIC_ID = /^\d{1,18}$/;

function describe(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function invalid(message: string): JiraError {
  return new JiraError(JIRA_ERROR.invalidRequest, message);
}

/**
 * An issue key (`DEMO-123`, case-insensitive) or numeric issue id, encoded
 * for a path segment.
 * @see Jira Cloud platform REST API v3, issueIdOrKey
 */
export function issueKeySegment(keyOrId: string): string {
  const value = keyOrId.trim().toUpperCase();
  if (!ISSUE_KEY.test(value) && !NUMERIC_ID.test(value)) {
    throw invalid(`${describe(keyOrId)} is not a Jira issue key (like DEMO-123) or numeric id.`);
  }
  return encodeURIComponent(value);
}

/**
 * A project key (`DEMO`, case-insensitive) or numeric project id, encoded
 * for a path segment.
 * @see Jira Cloud platform REST API v3, projectIdOrKey
 */
export function projectKeySegment(keyOrId: string): string {
  const value = keyOrId.trim().toUpperCase();
  if (!PROJECT_KEY.test(value) && !NUMERIC_ID.test(value)) {
    throw invalid(`${describe(keyOrId)} is not a Jira project key (like DEMO) or numeric id.`);
  }
  return encodeURIComponent(value);
}

/**
 * A numeric Jira id (issue type, transition, link type), as a string.
 * @see Jira Cloud platform REST API v3, issueTypeId
 */
export function numericId(value: string, what: string): string {
  const trimmed = value.trim();
  if (!NUMERIC_ID.test(trimmed)) throw invalid(`${describe(value)} is not a numeric ${what} id.`);
  return trimmed;
}

/**
 * The issue key normalized the way {@link issueKeySegment} accepts it.
 * @see Jira Cloud platform REST API v3, issueIdOrKey
 */
export function normalizeIssueKey(keyOrId: string): string {
  return decodeURIComponent(issueKeySegment(keyOrId));
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;

/**
 * Joins `baseUrl` and an already-encoded absolute `path`, appends the query,
 * and proves the result is still under `baseUrl` (same origin, path prefix).
 * @see RFC 3986 §5.2
 */
export function buildUrl(
  baseUrl: string,
  path: string,
  query: Readonly<Record<string, QueryValue>> = {},
): URL {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  if (!path.startsWith('/rest/')) throw new Error(`Jira path must start with /rest/: ${path}`);
  const url = new URL(`${base.origin}${prefix}${path}`);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'object') {
      for (const v of value) url.searchParams.append(name, v);
    } else {
      url.searchParams.set(name, String(value));
    }
  }
  // Defence in depth: the segments are validated, but a URL that escaped the
  // site would send the Jira credential to someone else.
  if (url.origin !== base.origin || !url.pathname.startsWith(`${prefix}/rest/`)) {
    throw new Error('Refusing to build a Jira URL outside the configured base URL.');
  }
  return url;
}
