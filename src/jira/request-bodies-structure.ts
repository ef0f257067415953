/**
 * Request bodies for versions and remote links, built from typed input and
 * checked before anything is sent (a bad date or URL never reaches Jira).
 * @see Jira Cloud platform REST API v3 (`Version`, `RemoteIssueLinkRequest`)
 */
import { JIRA_ERROR, JiraError } from './errors.js';

export interface CreateVersionInput {
  /** The project's key: what the allow-list checks and errors name. */
  projectKey: string;
  /** The project's numeric id (Jira requires the id; the key field is deprecated). */
  projectId: string;
  name: string;
  description?: string;
  /** `yyyy-mm-dd`. */
  startDate?: string;
  /** `yyyy-mm-dd`. */
  releaseDate?: string;
  released?: boolean;
}

export interface RemoteLinkInput {
  /** An http(s) URL. */
  url: string;
  title: string;
  summary?: string;
  /** How the issue relates to the page; Jira shows "links to" when absent. */
  relationship?: string;
  /** Makes the call an upsert: a second call with the same id updates the link. */
  globalId?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string): JiraError {
  return new JiraError(JIRA_ERROR.invalidRequest, message);
}

/**
 * The body of POST /version.
 * @see Jira Cloud platform REST API v3, createVersion
 */
export function createVersionBody(input: CreateVersionInput): Record<string, unknown> {
  if (!/^\d{1,18}$/.test(input.projectId)) {
    throw invalid(`${JSON.stringify(input.projectId)} is not a numeric project id.`);
  }
  for (const date of [input.startDate, input.releaseDate]) {
    if (date !== undefined && !DATE.test(date)) {
      throw invalid(`${JSON.stringify(date)} is not a date like 2026-03-31.`);
    }
  }
  return {
    projectId: Number(input.projectId),
    name: input.name,
    ...(input.description === undefined ? {} : { description: input.description }),
    ...(input.startDate === undefined ? {} : { startDate: input.startDate }),
    ...(input.releaseDate === undefined ? {} : { releaseDate: input.releaseDate }),
    ...(input.released === undefined ? {} : { released: input.released }),
  };
}

/**
 * The body of POST …/remotelink for a plain web link. Only http and https
 * URLs are sent: Jira would store a `javascript:` URL and show it as a link.
 * @see Jira Cloud platform REST API v3, createOrUpdateRemoteIssueLink
 */
export function remoteLinkBody(input: RemoteLinkInput): Record<string, unknown> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw invalid(`${JSON.stringify(input.url.slice(0, 80))} is not an absolute URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`Only http and https links can be added, not ${url.protocol}.`);
  }
  return {
    ...(input.globalId === undefined ? {} : { globalId: input.globalId }),
    ...(input.relationship === undefined ? {} : { relationship: input.relationship }),
    object: {
      url: input.url,
      title: input.title,
      ...(input.summary === undefined ? {} : { summary: input.summary }),
    },
  };
}
