/**
 * The gateway's only way to talk to Jira: small typed methods over Jira
 * Cloud REST v3. Each validates its path parameters, sends through
 * {@link JiraTransport} (auth, timeout, retries) and parses the answer with
 * a lenient zod schema.
 * @see Jira Cloud platform REST API v3
 */
import type { z } from 'zod';
import type { AdfDoc } from './adf/types.js';
import { JIRA_ERROR, JiraError } from './errors.js';
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
  type CommentVisibilityInput,
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
import {
  AGILE_ISSUE_PAGE_SCHEMA,
  BOARD_PAGE_SCHEMA,
  BOARD_SCHEMA,
  SPRINT_PAGE_SCHEMA,
  SPRINT_SCHEMA,
  type JiraAgileIssuePage,
  type JiraBoard,
  type JiraBoardPage,
  type JiraSprint,
  type JiraSprintPage,
} from './schemas-agile.js';
import {
  createSprintBody,
  moveIssuesBody,
  updateSprintBody,
  type CreateSprintInput,
  type UpdateSprintInput,
} from './request-bodies-agile.js';
import {
  COMPONENT_PAGE_SCHEMA,
  ISSUE_LINK_SCHEMA,
  REMOTE_LINK_ID_SCHEMA,
  VERSION_PAGE_SCHEMA,
  VERSION_SCHEMA,
  WATCHERS_SCHEMA,
  type JiraComponentPage,
  type JiraIssueLink,
  type JiraRemoteLinkId,
  type JiraVersion,
  type JiraVersionPage,
  type JiraWatchers,
} from './schemas-structure.js';
import {
  createVersionBody,
  remoteLinkBody,
  type CreateVersionInput,
  type RemoteLinkInput,
} from './request-bodies-structure.js';
import {
  EDIT_META_SCHEMA,
  FIELD_LIST_SCHEMA,
  TRANSITIONS_WITH_FIELDS_SCHEMA,
  type JiraFieldDetails,
} from './schemas-fields.js';
import {
  CHANGELOG_PAGE_SCHEMA,
  CREATED_ATTACHMENTS_SCHEMA,
  ISSUE_ATTACHMENTS_SCHEMA,
  WORKLOG_PAGE_SCHEMA,
  type JiraAttachment,
  type JiraChangelogPage,
  type JiraWorklogPage,
} from './schemas-history.js';
import { JiraTransport, type JiraDownload, type JiraTransportOptions } from './transport.js';

const API = '/rest/api/3';
/** Create-meta pages are followed at most this far (10 × 200 entries). */
const MAX_META_PAGES = 10;
const META_PAGE_SIZE = 200;

export type JiraClientOptions = JiraTransportOptions;

const AGILE = '/rest/agile/1.0';

/** A board or sprint id for a path: a positive safe integer, else a clear invalid_request. */
function agileId(id: number, what: string): string {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new JiraError(JIRA_ERROR.invalidRequest, `${String(id)} is not a valid ${what} id.`);
  }
  return String(id);
}

export interface ListBoardsInput {
  projectKeyOrId?: string;
  type?: 'scrum' | 'kanban' | 'simple';
  name?: string;
  startAt?: number;
  maxResults?: number;
}

export interface ListSprintsInput {
  states?: readonly ('future' | 'active' | 'closed')[];
  startAt?: number;
  maxResults?: number;
}

export interface AgileIssuesInput {
  jql?: string;
  fields?: readonly string[];
  startAt?: number;
  maxResults?: number;
}

export interface ListVersionsInput {
  startAt?: number;
  maxResults?: number;
  statuses?: readonly ('released' | 'unreleased' | 'archived')[];
  query?: string;
  orderBy?: string;
}

export interface ListComponentsInput {
  startAt?: number;
  maxResults?: number;
  query?: string;
}

/** Path and 404 subject for an issue (sub)resource; the key is validated first. */
function issueTarget(key: string, suffix = ''): { path: string; subject: string } {
  const segment = issueKeySegment(key);
  return { path: `${API}/issue/${segment}${suffix}`, subject: `Issue ${segment}` };
}

/** An issue's attachments with the facts the allow-list needs. */
export interface JiraIssueAttachments {
  id: string;
  key: string;
  projectKey: string | undefined;
  attachments: JiraAttachment[];
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
  readonly #credentials: JiraClientOptions['credentials'];

  constructor(options: JiraClientOptions) {
    this.#http = new JiraTransport(options);
    this.#credentials = options.credentials;
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

  /**
   * Adds a comment (ADF body), optionally restricted to a role or group.
   * @see Jira Cloud platform REST API v3, addComment
   */
  addComment(
    key: string,
    body: AdfDoc,
    options: { visibility?: CommentVisibilityInput } = {},
  ): Promise<JiraComment> {
    return this.#http.json(
      {
        method: 'POST',
        ...issueTarget(key, '/comment'),
        body: commentBody(body, options.visibility),
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

  // --- agile ---

  /**
   * One page of boards the account may see, optionally of one project,
   * type or name.
   * @see Jira Software Cloud REST API, getAllBoards
   */
  listBoards(input: ListBoardsInput = {}): Promise<JiraBoardPage> {
    return this.#http.json(
      {
        method: 'GET',
        path: `${AGILE}/board`,
        query: {
          projectKeyOrId:
            input.projectKeyOrId === undefined
              ? undefined
              : projectKeySegment(input.projectKeyOrId),
          type: input.type,
          name: input.name,
          startAt: input.startAt,
          maxResults: input.maxResults,
        },
      },
      BOARD_PAGE_SCHEMA,
    );
  }

  /** One board. @see Jira Software Cloud REST API, getBoard */
  getBoard(boardId: number): Promise<JiraBoard> {
    const id = agileId(boardId, 'board');
    return this.#http.json(
      { method: 'GET', path: `${AGILE}/board/${id}`, subject: `Board ${id}` },
      BOARD_SCHEMA,
    );
  }

  /** One page of a scrum board's sprints, optionally in some states. @see Jira Software Cloud REST API, getAllSprints */
  listSprints(boardId: number, input: ListSprintsInput = {}): Promise<JiraSprintPage> {
    const id = agileId(boardId, 'board');
    return this.#http.json(
      {
        method: 'GET',
        path: `${AGILE}/board/${id}/sprint`,
        subject: `Board ${id}`,
        query: {
          state: input.states === undefined ? undefined : input.states.join(','),
          startAt: input.startAt,
          maxResults: input.maxResults,
        },
      },
      SPRINT_PAGE_SCHEMA,
    );
  }

  /** One sprint. @see Jira Software Cloud REST API, getSprint */
  getSprint(sprintId: number): Promise<JiraSprint> {
    const id = agileId(sprintId, 'sprint');
    return this.#http.json(
      { method: 'GET', path: `${AGILE}/sprint/${id}`, subject: `Sprint ${id}` },
      SPRINT_SCHEMA,
    );
  }

  /** Creates a future sprint on a board. @see Jira Software Cloud REST API, createSprint */
  createSprint(input: CreateSprintInput): Promise<JiraSprint> {
    const board = agileId(input.boardId, 'board');
    return this.#http.json(
      {
        method: 'POST',
        path: `${AGILE}/sprint`,
        body: createSprintBody(input),
        subject: `Board ${board}`,
      },
      SPRINT_SCHEMA,
    );
  }

  /**
   * Partially updates a sprint: rename, goal, dates, start (`state: active`)
   * or close (`state: closed`).
   * @see Jira Software Cloud REST API, partiallyUpdateSprint
   */
  updateSprint(sprintId: number, input: UpdateSprintInput): Promise<JiraSprint> {
    const id = agileId(sprintId, 'sprint');
    return this.#http.json(
      {
        method: 'POST',
        path: `${AGILE}/sprint/${id}`,
        body: updateSprintBody(input),
        subject: `Sprint ${id}`,
      },
      SPRINT_SCHEMA,
    );
  }

  /** Moves up to 50 issues into a future or active sprint. @see Jira Software Cloud REST API, moveIssuesToSprintAndRank */
  moveIssuesToSprint(sprintId: number, issueKeys: readonly string[]): Promise<void> {
    const id = agileId(sprintId, 'sprint');
    return this.#http.send({
      method: 'POST',
      path: `${AGILE}/sprint/${id}/issue`,
      body: moveIssuesBody(issueKeys),
      subject: `Sprint ${id}`,
    });
  }

  /** Moves up to 50 issues out of their open sprints, to the backlog. @see Jira Software Cloud REST API, moveIssuesToBacklog */
  moveIssuesToBacklog(issueKeys: readonly string[]): Promise<void> {
    return this.#http.send({
      method: 'POST',
      path: `${AGILE}/backlog/issue`,
      body: moveIssuesBody(issueKeys),
    });
  }

  /** One page of a board's backlog, optionally narrowed by JQL. @see Jira Software Cloud REST API, getIssuesForBacklog */
  getBoardBacklog(boardId: number, input: AgileIssuesInput = {}): Promise<JiraAgileIssuePage> {
    const id = agileId(boardId, 'board');
    return this.#http.json(
      {
        method: 'GET',
        path: `${AGILE}/board/${id}/backlog`,
        subject: `Board ${id}`,
        query: {
          jql: input.jql,
          fields: input.fields?.join(','),
          startAt: input.startAt,
          maxResults: input.maxResults,
        },
      },
      AGILE_ISSUE_PAGE_SCHEMA,
    );
  }

  // --- structure & collaboration ---

  /**
   * One page of a project's versions, optionally filtered by status
   * (released, unreleased, archived) and a name/description query.
   * @see Jira Cloud platform REST API v3, getProjectVersionsPaginated
   */
  listProjectVersions(projectKey: string, input: ListVersionsInput = {}): Promise<JiraVersionPage> {
    const project = projectKeySegment(projectKey);
    return this.#http.json(
      {
        method: 'GET',
        path: `${API}/project/${project}/version`,
        subject: `Project ${project}`,
        query: {
          startAt: input.startAt,
          maxResults: input.maxResults,
          status: input.statuses === undefined ? undefined : input.statuses.join(','),
          query: input.query,
          orderBy: input.orderBy,
        },
      },
      VERSION_PAGE_SCHEMA,
    );
  }

  /** Creates a version in a project (by its numeric id). @see Jira Cloud platform REST API v3, createVersion */
  createVersion(input: CreateVersionInput): Promise<JiraVersion> {
    const body = createVersionBody(input);
    return this.#http.json(
      {
        method: 'POST',
        path: `${API}/version`,
        body,
        subject: `Project ${projectKeySegment(input.projectKey)}`,
      },
      VERSION_SCHEMA,
    );
  }

  /**
   * One page of a project's components with their issue counts.
   * @see Jira Cloud platform REST API v3, getProjectComponentsPaginated
   */
  listProjectComponents(
    projectKey: string,
    input: ListComponentsInput = {},
  ): Promise<JiraComponentPage> {
    const project = projectKeySegment(projectKey);
    return this.#http.json(
      {
        method: 'GET',
        path: `${API}/project/${project}/component`,
        subject: `Project ${project}`,
        query: { startAt: input.startAt, maxResults: input.maxResults, query: input.query },
      },
      COMPONENT_PAGE_SCHEMA,
    );
  }

  /** One issue link with both of its issues. @see Jira Cloud platform REST API v3, getIssueLink */
  getIssueLink(linkId: string): Promise<JiraIssueLink> {
    const id = numericId(linkId, 'issue link');
    return this.#http.json(
      { method: 'GET', path: `${API}/issueLink/${id}`, subject: `Issue link ${id}` },
      ISSUE_LINK_SCHEMA,
    );
  }

  /** Deletes an issue link. @see Jira Cloud platform REST API v3, deleteIssueLink */
  deleteIssueLink(linkId: string): Promise<void> {
    const id = numericId(linkId, 'issue link');
    return this.#http.send({
      method: 'DELETE',
      path: `${API}/issueLink/${id}`,
      subject: `Issue link ${id}`,
    });
  }

  /**
   * Adds a web link to an issue (or, with a known `globalId`, updates it).
   * @see Jira Cloud platform REST API v3, createOrUpdateRemoteIssueLink
   */
  addRemoteLink(key: string, input: RemoteLinkInput): Promise<JiraRemoteLinkId> {
    return this.#http.json(
      { method: 'POST', ...issueTarget(key, '/remotelink'), body: remoteLinkBody(input) },
      REMOTE_LINK_ID_SCHEMA,
    );
  }

  /** Who watches an issue. @see Jira Cloud platform REST API v3, getIssueWatchers */
  getWatchers(key: string): Promise<JiraWatchers> {
    return this.#http.json({ method: 'GET', ...issueTarget(key, '/watchers') }, WATCHERS_SCHEMA);
  }

  /** Adds a watcher; the body is the accountId as a JSON string. @see Jira Cloud platform REST API v3, addWatcher */
  addWatcher(key: string, accountId: string): Promise<void> {
    return this.#http.send({ method: 'POST', ...issueTarget(key, '/watchers'), body: accountId });
  }

  /** Removes a watcher. @see Jira Cloud platform REST API v3, removeWatcher */
  removeWatcher(key: string, accountId: string): Promise<void> {
    return this.#http.send({
      method: 'DELETE',
      ...issueTarget(key, '/watchers'),
      query: { accountId },
    });
  }

  // --- custom fields (CF) ---

  /**
   * The site this client talks to (its API root, lower-cased, no trailing
   * slash): the key under which site-wide facts such as the field list are
   * cached, so one site's cache never answers for another.
   */
  async siteKey(): Promise<string> {
    const { baseUrl } = await this.#credentials.get();
    return baseUrl.replace(/\/+$/, '').toLowerCase();
  }

  /** Every field of the site, system and custom. @see Jira Cloud platform REST API v3, getFields */
  listFields(): Promise<JiraFieldDetails[]> {
    return this.#http.json({ method: 'GET', path: `${API}/field` }, FIELD_LIST_SCHEMA);
  }

  /** The fields an edit of the issue may set, by field id. @see Jira Cloud platform REST API v3, getEditIssueMeta */
  async getEditMeta(key: string): Promise<Record<string, JiraFieldMeta>> {
    const meta = await this.#http.json(
      { method: 'GET', ...issueTarget(key, '/editmeta') },
      EDIT_META_SCHEMA,
    );
    return Object.fromEntries(
      Object.entries(meta.fields).map(([id, field]) => [id, { ...field, fieldId: id }]),
    );
  }

  /**
   * Transitions with the fields of their screens (`expand=transitions.fields`).
   * @see Jira Cloud platform REST API v3, getTransitions
   */
  async getTransitionsWithFields(key: string): Promise<JiraTransition[]> {
    const page = await this.#http.json(
      {
        method: 'GET',
        ...issueTarget(key, '/transitions'),
        query: { expand: 'transitions.fields' },
      },
      TRANSITIONS_WITH_FIELDS_SCHEMA,
    );
    return page.transitions;
  }

  // --- attachments & history ---

  /**
   * The issue's key, project and attachments (its `attachment` field).
   * @see Jira Cloud platform REST API v3, getIssue (fields=attachment)
   */
  async getIssueAttachments(key: string): Promise<JiraIssueAttachments> {
    const issue = await this.#http.json(
      { method: 'GET', ...issueTarget(key), query: { fields: 'attachment,project' } },
      ISSUE_ATTACHMENTS_SCHEMA,
    );
    return {
      id: issue.id,
      key: issue.key,
      projectKey: issue.fields.project?.key,
      attachments: issue.fields.attachment ?? [],
    };
  }

  /**
   * At most `maxBytes` of an attachment's content. `issueKey` names the
   * issue the caller found it on (checked before, see confined-jira.ts).
   * @see Jira Cloud platform REST API v3, getAttachmentContent
   */
  downloadAttachment(
    issueKey: string,
    attachmentId: string,
    maxBytes: number,
  ): Promise<JiraDownload> {
    issueKeySegment(issueKey);
    const id = numericId(attachmentId, 'attachment');
    return this.#http.download(
      { method: 'GET', path: `${API}/attachment/content/${id}`, subject: `Attachment ${id}` },
      maxBytes,
    );
  }

  /**
   * Attaches one file (multipart/form-data, part `file`).
   * @see Jira Cloud platform REST API v3, addAttachment
   */
  addAttachment(
    key: string,
    file: { fileName: string; mimeType: string; bytes: Uint8Array },
  ): Promise<JiraAttachment[]> {
    const form = new FormData();
    form.append('file', new Blob([file.bytes], { type: file.mimeType }), file.fileName);
    return this.#http.json(
      {
        method: 'POST',
        ...issueTarget(key, '/attachments'),
        multipart: form,
        // Jira refuses multipart posts without it (its XSRF guard).
        headers: { 'X-Atlassian-Token': 'no-check' },
      },
      CREATED_ATTACHMENTS_SCHEMA,
    );
  }

  /**
   * One page of the issue's history, oldest first.
   * @see Jira Cloud platform REST API v3, getChangeLogs
   */
  getChangelog(
    key: string,
    page: { startAt?: number; maxResults?: number } = {},
  ): Promise<JiraChangelogPage> {
    return this.#http.json(
      {
        method: 'GET',
        ...issueTarget(key, '/changelog'),
        query: { startAt: page.startAt ?? 0, maxResults: page.maxResults ?? 50 },
      },
      CHANGELOG_PAGE_SCHEMA,
    );
  }

  /**
   * One page of the issue's worklogs.
   * @see Jira Cloud platform REST API v3, getIssueWorklog
   */
  listWorklogs(
    key: string,
    page: { startAt?: number; maxResults?: number } = {},
  ): Promise<JiraWorklogPage> {
    return this.#http.json(
      {
        method: 'GET',
        ...issueTarget(key, '/worklog'),
        query: { startAt: page.startAt ?? 0, maxResults: page.maxResults ?? 50 },
      },
      WORKLOG_PAGE_SCHEMA,
    );
  }
}
