/**
 * Toolsets: named groups of tools an operator switches on together
 * (`TOOLSETS`). Every tool definition costs the model context in every
 * conversation and some clients cap the count (Cursor: 40), so the default
 * offers what a typical team uses and leaves the rest one setting away.
 *
 * Names only, no tool code: config.ts validates `TOOLSETS` and
 * `ENABLED_TOOLS` against these lists without loading the tools, and a test
 * keeps them equal to `ALL_TOOLS` (every tool in exactly one set). It lives
 * under src/config/ so the OAuth function, which parses the settings too,
 * bundles no src/mcp/ module (test/lambda/bundle.test.ts).
 */

export type ToolsetName =
  'core' | 'agile' | 'attachments' | 'history' | 'structure' | 'collaboration';

/** Each toolset's tools, by name, in no particular order (`tools/list` follows `ALL_TOOLS`). */
export const TOOLSETS: Readonly<Record<ToolsetName, readonly string[]>> = Object.freeze({
  core: [
    'jira_whoami',
    'jira_list_projects',
    'jira_search_issues',
    'jira_get_issue',
    'jira_list_comments',
    'jira_get_transitions',
    'jira_get_create_metadata',
    'jira_find_users',
    'jira_create_issue',
    'jira_update_issue',
    'jira_add_comment',
    'jira_transition_issue',
    'jira_assign_issue',
    'jira_add_worklog',
    'jira_link_issues',
  ],
  agile: [
    'jira_list_boards',
    'jira_list_sprints',
    'jira_create_sprint',
    'jira_update_sprint',
    'jira_move_to_sprint',
    'jira_get_board_backlog',
  ],
  attachments: ['jira_get_attachment', 'jira_add_attachment'],
  history: ['jira_get_changelog', 'jira_list_worklogs'],
  structure: [
    'jira_list_fields',
    'jira_list_versions',
    'jira_create_version',
    'jira_list_components',
  ],
  collaboration: [
    'jira_delete_link',
    'jira_add_remote_link',
    'jira_add_watcher',
    'jira_remove_watcher',
  ],
});

/** Every toolset, in the order the documentation lists them. */
export const TOOLSET_NAMES: readonly ToolsetName[] = Object.freeze(
  Object.keys(TOOLSETS) as ToolsetName[],
);

/**
 * What `TOOLSETS` means when unset: the core plus what a typical team
 * works with daily (sprints, history, fields, versions). Attachments
 * (large payloads) and collaboration (deleting links, watchers) are opt-in.
 */
export const DEFAULT_TOOLSETS: readonly ToolsetName[] = Object.freeze([
  'core',
  'agile',
  'history',
  'structure',
]);

/** The `TOOLSETS` value that selects every toolset. */
export const ALL_TOOLSETS_KEYWORD = 'all';

/**
 * True when `name` is a toolset.
 * @see MCP 2025-11-25 server/tools (Listing Tools)
 */
export function isToolsetName(name: string): name is ToolsetName {
  return Object.hasOwn(TOOLSETS, name);
}

/** Every tool name any toolset holds. */
export const TOOLSET_TOOL_NAMES: ReadonlySet<string> = new Set(Object.values(TOOLSETS).flat());

/**
 * The tool names of `sets`, as one set.
 * @see MCP 2025-11-25 server/tools (Listing Tools)
 */
export function toolNamesOf(sets: readonly ToolsetName[]): Set<string> {
  return new Set(sets.flatMap((set) => TOOLSETS[set]));
}
