/**
 * `TOOLSETS` and `ENABLED_TOOLS`: which tools the gateway offers, checked
 * against the toolset lists so that a typo is a configuration error at
 * start-up, not a tool silently missing from `tools/list`.
 *
 * How the settings combine (README "Toolsets"):
 * - `TOOLSETS` picks whole toolsets (`all` = every one); unset means
 *   DEFAULT_TOOLSETS.
 * - `ENABLED_TOOLS`, when set, names the exact tools to offer, from any
 *   toolset, in place of `TOOLSETS` (its meaning before toolsets existed, so
 *   an existing deployment neither gains nor loses a tool). Setting both is
 *   refused: neither "union" nor "intersection" is what everybody expects.
 * - `READ_ONLY` then removes every write tool, whichever way it was chosen.
 */
import {
  ALL_TOOLSETS_KEYWORD,
  DEFAULT_TOOLSETS,
  isToolsetName,
  TOOLSET_NAMES,
  TOOLSET_TOOL_NAMES,
  type ToolsetName,
} from './toolsets.js';

/** The parsed selection: toolsets in force and the explicit tool list (empty: none). */
export interface ToolSelection {
  toolsets: ToolsetName[];
  enabledTools: string[];
}

/**
 * Resolves `TOOLSETS` and `ENABLED_TOOLS` (already split on commas).
 * Returns the problems found, each naming the setting, instead of throwing,
 * so the caller reports them with the others.
 * @see MCP 2025-11-25 server/tools (Listing Tools)
 */
export function resolveToolSelection(
  toolsets: readonly string[] | undefined,
  enabledTools: readonly string[],
): { selection: ToolSelection; problems: string[] } {
  const problems: string[] = [];
  let chosen: ToolsetName[] = [...DEFAULT_TOOLSETS];
  if (toolsets !== undefined) {
    const names = toolsets.map((name) => name.toLowerCase());
    const unknown = names.filter((name) => name !== ALL_TOOLSETS_KEYWORD && !isToolsetName(name));
    if (unknown.length > 0) {
      problems.push(
        `TOOLSETS: unknown toolset ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${[...TOOLSET_NAMES, ALL_TOOLSETS_KEYWORD].join(', ')})`,
      );
    } else if (names.length === 0) {
      problems.push(`TOOLSETS: names no toolset (known: ${TOOLSET_NAMES.join(', ')}, all)`);
    } else {
      chosen = names.includes(ALL_TOOLSETS_KEYWORD)
        ? [...TOOLSET_NAMES]
        : TOOLSET_NAMES.filter((name) => names.includes(name));
    }
  }
  const unknownTools = enabledTools.filter((name) => !TOOLSET_TOOL_NAMES.has(name));
  if (unknownTools.length > 0) {
    problems.push(
      `ENABLED_TOOLS: unknown tool ${unknownTools.map((n) => `"${n}"`).join(', ')} (tool names look like jira_get_issue; README "Tools" lists them)`,
    );
  }
  if (toolsets !== undefined && enabledTools.length > 0) {
    problems.push(
      'TOOLSETS, ENABLED_TOOLS: set one or the other (ENABLED_TOOLS names the exact tools, from any toolset)',
    );
  }
  return { selection: { toolsets: chosen, enabledTools: [...enabledTools] }, problems };
}
