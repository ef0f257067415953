/**
 * The `JIRA_PROJECTS` allow-list, enforced on every tool. JQL is wrapped so
 * Jira only searches allowed projects, and every issue that comes back is
 * checked again: the wrapper stops honest mistakes and most tricks, the
 * check stops whatever slips past it (a moved issue, a JQL feature we did
 * not think of).
 */
import { ToolUsageError } from './tool-definition.js';

/** An issue key such as `DEMO-42`; the project is the part before the last dash. */
export const ISSUE_KEY_PATTERN = /^[A-Z][A-Z0-9_]+-\d+$/;

export interface ProjectAllowList {
  /** Allowed project keys, upper case; empty means every project. */
  readonly projects: readonly string[];
  readonly restricted: boolean;
  allows(projectKey: string): boolean;
  /** Throws {@link ToolUsageError} unless `projectKey` is allowed. */
  assertProject(projectKey: string): void;
  /** Throws {@link ToolUsageError} unless the key's project is allowed. */
  assertIssueKey(issueKey: string): void;
  /**
   * The JQL to send to Jira: the user's query confined to the allowed
   * projects, or to `visible` of them when given (the ones the acting Jira
   * account can browse: Jira answers 400 to a `project in (…)` naming a
   * project the account cannot see, as if it did not exist).
   */
  confineJql(jql: string, visible?: readonly string[]): string;
}

/** The project part of an issue key (`DEMO-42` → `DEMO`). */
export function projectOfIssueKey(issueKey: string): string {
  const dash = issueKey.lastIndexOf('-');
  return (dash < 0 ? issueKey : issueKey.slice(0, dash)).toUpperCase();
}

/**
 * Where the top-level `ORDER BY` starts, ignoring quoted strings, and
 * whether parentheses outside quotes balance without ever closing more than
 * was opened (`x) OR (project = OPS` would break out of our wrapper).
 */
function scanJql(jql: string): { orderByAt: number | undefined; balanced: boolean } {
  let depth = 0;
  let balanced = true;
  let quote: string | undefined;
  let orderByAt: number | undefined;
  for (let i = 0; i < jql.length; i++) {
    const ch = jql.charAt(i);
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) balanced = false;
    } else if (
      orderByAt === undefined &&
      depth === 0 &&
      /^order\s+by\b/i.test(jql.slice(i)) &&
      (i === 0 || /[\s)"']/.test(jql.charAt(i - 1)))
    ) {
      orderByAt = i;
    }
  }
  if (quote !== undefined || depth !== 0) balanced = false;
  return { orderByAt, balanced };
}

const SORT_FIELD = String.raw`(?:[A-Za-z][A-Za-z0-9_.]*|cf\[\d+\]|"[^"\\]*")`;
const SORT_ITEM = String.raw`${SORT_FIELD}(?:\s+(?:ASC|DESC))?`;
/** `ORDER BY f [ASC|DESC], …` and nothing else, so the clause cannot smuggle a condition. */
const ORDER_BY_CLAUSE = new RegExp(
  String.raw`^ORDER\s+BY\s+${SORT_ITEM}(?:\s*,\s*${SORT_ITEM})*\s*$`,
  'i',
);

/**
 * Splits JQL into its condition and a trailing `ORDER BY` clause.
 * Throws {@link ToolUsageError} for unbalanced parentheses or quotes, or an
 * `ORDER BY` clause that is more than a list of sort keys.
 */
export function splitOrderBy(jql: string): { where: string; orderBy: string | undefined } {
  const { orderByAt, balanced } = scanJql(jql);
  if (!balanced) {
    throw new ToolUsageError(
      'invalid_arguments',
      'The JQL has unbalanced parentheses or quotes; fix the query and try again.',
    );
  }
  if (orderByAt === undefined) return { where: jql.trim(), orderBy: undefined };
  const orderBy = jql.slice(orderByAt).trim();
  if (!ORDER_BY_CLAUSE.test(orderBy)) {
    throw new ToolUsageError(
      'invalid_arguments',
      'ORDER BY must be a list of fields, each optionally ASC or DESC, e.g. "ORDER BY priority DESC, updated DESC".',
    );
  }
  return { where: jql.slice(0, orderByAt).trim(), orderBy };
}

/**
 * Builds the allow-list from `config.jiraProjects` (already upper case).
 * With an empty list every project is allowed and JQL passes unchanged.
 * Otherwise JQL becomes `project in ("A", "B") AND (<condition>) <ORDER BY>`.
 */
export function createProjectAllowList(projects: readonly string[]): ProjectAllowList {
  const allowed = new Set(projects.map((p) => p.toUpperCase()));
  const restricted = allowed.size > 0;
  const list = [...allowed];
  const notAllowed = (what: string): ToolUsageError =>
    new ToolUsageError(
      'project_not_allowed',
      `${what} is outside the projects this gateway may access (${list.join(', ')}).`,
    );
  const allows = (projectKey: string): boolean =>
    !restricted || allowed.has(projectKey.toUpperCase());
  return {
    projects: list,
    restricted,
    allows,
    assertProject(projectKey) {
      if (!allows(projectKey)) throw notAllowed(`Project ${projectKey.toUpperCase()}`);
    },
    assertIssueKey(issueKey) {
      if (!allows(projectOfIssueKey(issueKey))) throw notAllowed(`Issue ${issueKey}`);
    },
    confineJql(jql, visible) {
      const { where, orderBy } = splitOrderBy(jql);
      if (!restricted) return jql.trim();
      const seen = visible === undefined ? undefined : new Set(visible.map((p) => p.toUpperCase()));
      const keys = seen === undefined ? list : list.filter((p) => seen.has(p));
      if (keys.length === 0) {
        throw new ToolUsageError(
          'no_visible_project',
          `Your Jira account cannot see any of the projects this gateway may access (${list.join(', ')}).`,
        );
      }
      const scope = `project in (${keys.map((p) => `"${p}"`).join(', ')})`;
      const condition = where === '' ? scope : `${scope} AND (${where})`;
      return orderBy === undefined ? condition : `${condition} ${orderBy}`;
    },
  };
}
