/**
 * The gateway's only way to talk to Jira: small typed methods over Jira
 * Cloud REST v3. Each validates its path parameters, sends through
 * {@link JiraTransport} (auth, timeout, retries) and parses the answer with
 * a lenient zod schema.
 * @see Jira Cloud platform REST API v3
 */
import type { z } from 'zod';
import type { AdfDoc } from './adf/types.js';
import { issueKeySegment, normalizeIssueKey, numericId, projectKeySegment } from './paths.js';
import {
  assigneeBody,
  commentBody,
  createIssueBody,
  linkIssuesBody,
  searchIssuesBody,
  transitionBody,
  updateIssueBody,
  worklogBody,
  type CreateIssueInput,
  type IssueFieldsInput,
  type LinkIssuesInput,
  type SearchIssuesInput,
  type TransitionInput,
  type WorklogInput,
} from './request-bodies.js';
import {
  COMMENT_PAGE_SCHEMA,
  COMMENT_SCHEMA,
  CREATE_META_FIELDS_PAGE_SCHEMA,
  CREATE_META_ISSUE_TYPES_PAGE_SCHEMA,
  CREATED_ISSUE_SCHEMA,
  ISSUE_LINK_TYPES_SCHEMA,
  ISSUE_SCHEMA,
  PROJECT_PAGE_SCHEMA,
  SEARCH_RESULTS_SCHEMA,
  TRANSITIONS_SCHEMA,
  USER_SCHEMA,
  USERS_SCHEMA,
  WORKLOG_SCHEMA,
  type JiraComment,
  type JiraCommentPage,
  type JiraCreatedIssue,
  type JiraCreateMetaIssueType,
  type JiraFieldMeta,
  type JiraIssue,
  type JiraIssueLinkType,
  type JiraProjectPage,
  type JiraTransition,
  type JiraUser,
  type JiraWorklog,
} from './schemas.js';
import { JiraTransport, type JiraTransportOptions } from './transport.js';

const API = '/rest/api/3';
/** Create-meta pages are followed at most this far (10 × 200 entries). */
const MAX_META_PAGES = 10;
const META_PAGE_SIZE = 200;

export type JiraClientOptions = JiraTransportOptions;

/** Path and 404 subject for an issue (sub)resource; the key is validated first. */
function issueTarget(key: string, suffix = ''): { path: string; subject: string } {
  const segment = issueKeySegment(key);
  return { path: `${API}/issue/${segment}${suffix}`, subject: `Issue ${segment}` };
}

export interface SearchProjectsInput {
  query?: string;
  startAt?: number;
  maxResults?: number;
  keys?: readonly string[];
}

export interface SearchIssuesResult {
  issues: JiraIssue[];
  nextPageToken?: string;
  isLast: boolean;
}

export interface GetIssueOptions {
  fields?: readonly string[];
  expand?: readonly string[];
}

export interface ListCommentsOptions {
  startAt?: number;
  maxResults?: number;
  orderBy?: 'created' | '-created' | '+created';
}

/**
 * Jira Cloud REST v3 client with the gateway's own credential.
 * @see Jira Cloud platform REST API v3
 */
export class JiraClient {
  readonly #http: JiraTransport;

  constructor(options: JiraClientOptions) {
    this.#http = new JiraTransport(options);
  }

  /** The account the gateway calls Jira as. @see Jira Cloud platform REST API v3, getCurrentUser */
  getMyself(): Promise<JiraUser> {
    return this.#http.json({ method: 'GET', path: `${API}/myself` }, USER_SCHEMA);
  }

  /** Projects visible to the gateway's account. @see Jira Cloud platform REST API v3, searchProjects */
  searchProjects(input: SearchProjectsInput = {}): Promise<JiraProjectPage> {
    return this.#http.json(
      {
        method: 'GET',
        path: `${API}/project/search`,
        query: {
          query: input.query,
          startAt: input.startAt,
          maxResults: input.maxResults,
          keys: input.keys,
        },
      },
      PROJECT_PAGE_SCHEMA,
    );
  }

  /**
   * One page of a JQL search; pass `nextPageToken` back for the next page.
   * @see Jira Cloud platform REST API v3, searchAndReconsileIssuesUsingJqlPost
   */
  async searchIssues(input: SearchIssuesInput): Promise<SearchIssuesResult> {
    const page = await this.#http.json(
      { method: 'POST', path: `${API}/search/jql`, body: searchIssuesBody(input) },
      SEARCH_RESULTS_SCHEMA,
    );
    const token = page.nextPageToken ?? undefined;
    const result: SearchIssuesResult = {
      issues: page.issues,
      isLast: page.isLast ?? token === undefined,
    };
    if (token !== undefined) result.nextPageToken = token;
    return result;
  }

  /** One issue by key or id. @see Jira Cloud platform REST API v3, getIssue */
  getIssue(key: string, options: GetIssueOptions = {}): Promise<JiraIssue> {
    return this.#http.json(
      {
        method: 'GET',
        ...issueTarget(key),
        query: { fields: options.fields?.join(','), expand: options.expand?.join(',') },
      },
      ISSUE_SCHEMA,
    );
  }

  /** A page of an issue's comments. @see Jira Cloud platform REST API v3, getComments */
  listComments(key: string, options: ListCommentsOptions = {}): Promise<JiraCommentPage> {
    return this.#http.json(
      {
        method: 'GET',
        ...issueTarget(key, '/comment'),
        query: {
          startAt: options.startAt,
          maxResults: options.maxResults,
          orderBy: options.orderBy,
        },
      },
      COMMENT_PAGE_SCHEMA,
    );
  }

  /** Transitions available from the issue's current status. @see Jira Cloud platform REST API v3, getTransitions */
  async getTransitions(key: string): Promise<JiraTransition[]> {
    const page = await this.#http.json(
      {
        method: 'GET',
        ...issueTarget(key, '/transitions'),
      },
      TRANSITIONS_SCHEMA,
    );
    return page.transitions;
  }

  /** Issue types the account may create in a project. @see Jira Cloud platform REST API v3, getCreateIssueMetaIssueTypes */
  getCreateMetaIssueTypes(projectKey: string): Promise<JiraCreateMetaIssueType[]> {
    const project = projectKeySegment(projectKey);
    return this.#allPages(
      { path: `${API}/issue/createmeta/${project}/issuetypes`, subject: `Project ${project}` },
      CREATE_META_ISSUE_TYPES_PAGE_SCHEMA,
      (page) => page.issueTypes ?? page.createMetaIssueType ?? [],
    );
  }

  /** Fields (with required flags and allowed values) for creating an issue of one type. @see Jira Cloud platform REST API v3, getCreateIssueMetaIssueTypeId */
  getCreateMetaFields(projectKey: string, issueTypeId: string): Promise<JiraFieldMeta[]> {
    const project = projectKeySegment(projectKey);
    const typeId = numericId(issueTypeId, 'issue type');
    return this.#allPages(
      {
        path: `${API}/issue/createmeta/${project}/issuetypes/${typeId}`,
        subject: `Issue type ${typeId} in project ${project}`,
      },
      CREATE_META_FIELDS_PAGE_SCHEMA,
      (page) => page.fields ?? page.results ?? [],
    );
  }

  /** Follows a startAt/total paged GET, bounded by MAX_META_PAGES. */
  async #allPages<S extends z.ZodType<{ total?: number | undefined }>, T>(
    target: { path: string; subject: string },
    schema: S,
    items: (page: z.output<S>) => T[],
  ): Promise<T[]> {
    const all: T[] = [];
    for (let n = 0; n < MAX_META_PAGES; n++) {
      const query = { startAt: all.length, maxResults: META_PAGE_SIZE };
      const page = await this.#http.json({ method: 'GET', ...target, query }, schema);
      const batch = items(page);
      all.push(...batch);
      if (batch.length === 0 || page.total === undefined || all.length >= page.total) break;
    }
    return all;
  }

  /** Users whose name or email starts with `query`. @see Jira Cloud platform REST API v3, findUsers */
  findUsers(query: string, options: { maxResults?: number } = {}): Promise<JiraUser[]> {
    return this.#http.json(
      {
        method: 'GET',
        path: `${API}/user/search`,
        query: { query, maxResults: options.maxResults },
      },
      USERS_SCHEMA,
    );
  }

  /** Creates an issue. @see Jira Cloud platform REST API v3, createIssue */
  createIssue(input: CreateIssueInput): Promise<JiraCreatedIssue> {
    const body = createIssueBody(input);
    return this.#http.json(
      {
        method: 'POST',
        path: `${API}/issue`,
        body,
        // createIssueBody has validated the key by now.
        subject: `Project ${input.projectKey.trim().toUpperCase()}`,
      },
      CREATED_ISSUE_SCHEMA,
    );
  }

  /** Edits an issue's fields. @see Jira Cloud platform REST API v3, editIssue */
  updateIssue(key: string, input: IssueFieldsInput): Promise<void> {
    return this.#http.send({
      method: 'PUT',
      ...issueTarget(key),
      body: updateIssueBody(input),
    });
  }

  /** Adds a comment (ADF body). @see Jira Cloud platform REST API v3, addComment */
  addComment(key: string, body: AdfDoc): Promise<JiraComment> {
    return this.#http.json(
      {
        method: 'POST',
        ...issueTarget(key, '/comment'),
        body: commentBody(body),
      },
      COMMENT_SCHEMA,
    );
  }

  /** Moves an issue through a workflow transition. @see Jira Cloud platform REST API v3, doTransition */
  transitionIssue(key: string, transitionId: string, input: TransitionInput = {}): Promise<void> {
    return this.#http.send({
      method: 'POST',
      ...issueTarget(key, '/transitions'),
      body: transitionBody(transitionId, input),
    });
  }

  /** Assigns an issue; `null` unassigns. @see Jira Cloud platform REST API v3, assignIssue */
  assignIssue(key: string, accountId: string | null): Promise<void> {
    return this.#http.send({
      method: 'PUT',
      ...issueTarget(key, '/assignee'),
      body: assigneeBody(accountId),
    });
  }

  /** Logs work on an issue. @see Jira Cloud platform REST API v3, addWorklog */
  addWorklog(key: string, input: WorklogInput): Promise<JiraWorklog> {
    return this.#http.json(
      {
        method: 'POST',
        ...issueTarget(key, '/worklog'),
        body: worklogBody(input),
      },
      WORKLOG_SCHEMA,
    );
  }

  /** The site's issue link types. @see Jira Cloud platform REST API v3, getIssueLinkTypes */
  async listIssueLinkTypes(): Promise<JiraIssueLinkType[]> {
    const result = await this.#http.json(
      { method: 'GET', path: `${API}/issueLinkType` },
      ISSUE_LINK_TYPES_SCHEMA,
    );
    return result.issueLinkTypes;
  }

  /** Links two issues (`inwardKey` <type.inward> `outwardKey`). @see Jira Cloud platform REST API v3, linkIssues */
  linkIssues(input: LinkIssuesInput): Promise<void> {
    const body = linkIssuesBody(input);
    return this.#http.send({
      method: 'POST',
      path: `${API}/issueLink`,
      body,
      subject: `Issue ${normalizeIssueKey(input.inwardKey)} or ${normalizeIssueKey(input.outwardKey)}`,
    });
  }
}
