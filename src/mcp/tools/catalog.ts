/** Every Jira tool the gateway has, and which of them the settings switch on. */
import type { Config } from '../../config/config.js';
import { SCOPES } from '../../oauth/scopes.js';
import { AGILE_READ_TOOLS } from './agile-read-tools.js';
import { AGILE_WRITE_TOOLS } from './agile-write-tools.js';
import { ATTACHMENT_TOOLS } from './attachment-tools.js';
import { COLLABORATION_TOOLS } from './collaboration-tools.js';
import { CREATE_METADATA_TOOL } from './create-metadata-tool.js';
import { FIELD_TOOLS } from './field-tools.js';
import { ISSUE_READ_TOOLS } from './issue-read-tools.js';
import { ISSUE_WRITE_TOOLS } from './issue-write-tools.js';
import { HISTORY_TOOLS } from './history-tools.js';
import { FIND_USERS_TOOL, ORIENTATION_TOOLS } from './read-tools.js';
import { STRUCTURE_TOOLS } from './structure-tools.js';
import type { JiraTool } from './tool-definition.js';
import { toolNamesOf } from '../../config/toolsets.js';
import { WORKFLOW_TOOLS } from './workflow-tools.js';

/** In the order `tools/list` shows them: orientation, issue reading, site lookups, writes. */
export const ALL_TOOLS: readonly JiraTool[] = [
  ...ORIENTATION_TOOLS,
  ...ISSUE_READ_TOOLS,
  CREATE_METADATA_TOOL,
  FIND_USERS_TOOL,
  ...ISSUE_WRITE_TOOLS,
  ...WORKFLOW_TOOLS,
  ...AGILE_READ_TOOLS,
  ...AGILE_WRITE_TOOLS,
  ...FIELD_TOOLS,
  ...STRUCTURE_TOOLS,
  ...COLLABORATION_TOOLS,
  ...ATTACHMENT_TOOLS,
  ...HISTORY_TOOLS,
];

/**
 * The tools the gateway's settings switch on, for every caller, in
 * `ALL_TOOLS` order: a non-empty `ENABLED_TOOLS` names them exactly, else
 * the tools of `TOOLSETS`; then `READ_ONLY` removes every tool that needs
 * `jira:write`. Scopes narrow this further per token (see `toolsForToken`).
 * @see MCP 2025-11-25 server/tools (Listing Tools)
 */
export function availableTools(
  settings: Pick<Config, 'readOnly' | 'enabledTools' | 'toolsets'>,
): JiraTool[] {
  const chosen =
    settings.enabledTools.length > 0
      ? new Set(settings.enabledTools)
      : toolNamesOf(settings.toolsets);
  return ALL_TOOLS.filter(
    (tool) => chosen.has(tool.name) && !(settings.readOnly && tool.scope === SCOPES.write),
  );
}
