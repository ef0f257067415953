/**
 * The one filter every piece of Jira data passes before a tool sees it when
 * `JIRA_PROJECTS` is set: any issue representation outside the allowed
 * projects, wherever it sits (a link end, a sub-task, the parent, an epic,
 * a custom field that holds issues, something nested in any of those), is
 * cut down to its key. Jira embeds other issues with their summary, status,
 * priority and type, and a caller can ask for any field, so naming the
 * fields that hold issues would always miss one; recognising the shape
 * does not.
 */
import { ISSUE_KEY_PATTERN, projectOfIssueKey } from './project-allow-list.js';

/** What is left of an issue outside the allowed projects: its key, if it had one. */
export interface ForeignIssueStub {
  key?: string;
  outsideAllowedProjects: true;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `…/rest/api/3/issue/10042`: an issue's own API address. */
const ISSUE_SELF = /\/rest\/api\/[23]\/issue\/[^/?#]+$/;

/**
 * The projects an object names if it is an issue representation, or
 * `undefined` if it is not one. An issue is recognised by an issue key
 * (`OPS-12`), or, without a key, by its own API address next to `fields`.
 * Both the key's project and `fields.project` count: a moved issue can
 * carry an old key.
 * @see Jira Cloud platform REST API v3, IssueBean, LinkedIssue
 */
function issueProjects(object: JsonObject): string[] | undefined {
  const key = object['key'];
  const fields = object['fields'];
  const hasKey = typeof key === 'string' && ISSUE_KEY_PATTERN.test(key);
  const selfLooksLikeIssue =
    isObject(fields) && typeof object['self'] === 'string' && ISSUE_SELF.test(object['self']);
  if (!hasKey && !selfLooksLikeIssue) return undefined;
  const projects: string[] = [];
  if (hasKey) projects.push(projectOfIssueKey(key));
  const project = isObject(fields) ? fields['project'] : undefined;
  if (isObject(project) && typeof project['key'] === 'string') projects.push(project['key']);
  return projects;
}

function stub(object: JsonObject): ForeignIssueStub {
  const key = object['key'];
  return typeof key === 'string'
    ? { key, outsideAllowedProjects: true }
    : { outsideAllowedProjects: true };
}

/** Defines `name` as an own property (a key `__proto__` from JSON stays data). */
function put(target: JsonObject | unknown[], name: string | number, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * A copy of `value` in which every issue representation whose project
 * `allows` refuses (or whose project cannot be told) is replaced by a
 * {@link ForeignIssueStub}; everything else is copied unchanged, including
 * allowed issues and what they contain. Iterative, so depth costs no stack,
 * and linear in the size of `value`.
 *
 * The result keeps `T` because every place Jira puts another issue keeps
 * its `key` in the stub and has its other properties optional in our
 * schemas (LinkedIssue `fields`, parent `fields`); callers still read
 * through zod or optional chaining.
 * @see Jira Cloud platform REST API v3, IssueBean, IssueLink, LinkedIssue
 */
export function redactForeignIssues<T>(value: T, allows: (projectKey: string) => boolean): T {
  const holder: unknown[] = [undefined];
  const stack: { from: unknown; into: JsonObject | unknown[]; at: string | number }[] = [
    { from: value, into: holder, at: 0 },
  ];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { from, into, at } = item;
    if (Array.isArray(from)) {
      const copy: unknown[] = new Array<unknown>(from.length);
      put(into, at, copy);
      for (let i = 0; i < from.length; i++) stack.push({ from: from[i], into: copy, at: i });
    } else if (isObject(from)) {
      const projects = issueProjects(from);
      if (projects !== undefined && !(projects.length > 0 && projects.every(allows))) {
        put(into, at, stub(from));
        continue;
      }
      const copy: JsonObject = {};
      put(into, at, copy);
      // Keys are placed first so the copy keeps the original's order.
      const names = Object.keys(from);
      for (const name of names) put(copy, name, undefined);
      for (const name of names) stack.push({ from: from[name], into: copy, at: name });
    } else {
      put(into, at, from);
    }
  }
  // The holder's slot was filled by the first iteration with a value of T's shape (see above).
  return holder[0] as T;
}
