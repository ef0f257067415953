import { issueProject } from './format.js';
import type { ToolContext } from './tool-definition.js';

/**
 * Refuses an issue outside the allowed projects before anything is done to
 * it. The key's own project is checked first, without calling Jira; with an
 * allow-list in force Jira is then asked where the issue really lives,
 * because Jira follows a moved issue's old key (`DEMO-5` may now be `OPS-2`).
 * @see Jira Cloud platform REST API v3, getIssue
 */
export async function assertIssueAllowed(context: ToolContext, issueKey: string): Promise<void> {
  context.projects.assertIssueKey(issueKey);
  if (!context.projects.restricted) return;
  const issue = await context.jira.getIssue(issueKey, { fields: ['project'] });
  context.projects.assertProject(issueProject(issue));
}
