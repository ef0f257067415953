/** Every Jira tool the gateway has, and which of them the settings switch on. */
import type { Config } from '../../config/config.js';
import { SCOPES } from '../../oauth/scopes.js';
import { CREATE_METADATA_TOOL } from './create-metadata-tool.js';
import { ISSUE_READ_TOOLS } from './issue-read-tools.js';
import { ISSUE_WRITE_TOOLS } from './issue-write-tools.js';
import { FIND_USERS_TOOL, ORIENTATION_TOOLS } from './read-tools.js';
import type { JiraTool } from './tool-definition.js';
import { WORKFLOW_TOOLS } from './workflow-tools.js';

/** In the order `tools/list` shows them: orientation, issue reading, site lookups, writes. */
export const ALL_TOOLS: readonly JiraTool[] = [
  ...ORIENTATION_TOOLS,
  ...ISSUE_READ_TOOLS,
  CREATE_METADATA_TOOL,
  FIND_USERS_TOOL,
  ...ISSUE_WRITE_TOOLS,
  ...WORKFLOW_TOOLS,
];

/**
 * The tools the gateway's settings switch on, for every caller:
 * `READ_ONLY` removes every tool that needs `jira:write`, and a non-empty
 * `ENABLED_TOOLS` keeps only the tools it names. Scopes narrow this further
 * per token (see `toolsForToken`).
 */
export function availableTools(settings: Pick<Config, 'readOnly' | 'enabledTools'>): JiraTool[] {
  const enabled = new Set(settings.enabledTools);
  return ALL_TOOLS.filter(
    (tool) =>
      !(settings.readOnly && tool.scope === SCOPES.write) &&
      (enabled.size === 0 || enabled.has(tool.name)),
  );
}
