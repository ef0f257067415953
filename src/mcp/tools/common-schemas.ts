/** Input fields several tools share, each with a description a model can follow. */
import { z } from 'zod';
import { ISSUE_KEY_PATTERN } from './project-allow-list.js';

export const ISSUE_KEY_INPUT = z
  .string()
  .trim()
  .toUpperCase()
  .regex(ISSUE_KEY_PATTERN, 'must be an issue key such as DEMO-123')
  .describe('The issue key, e.g. "DEMO-123" (project key, dash, number).');

export const PROJECT_KEY_INPUT = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9_]+$/, 'must be a project key such as DEMO')
  .describe('The project key, e.g. "DEMO" (the part of an issue key before the dash).');

/** A name or an id of something Jira lists (issue type, priority, transition, link type). */
export const NAME_OR_ID_INPUT = z.string().trim().min(1).max(100);

/** A Jira accountId, as jira_find_users and jira_whoami give it. */
export const ACCOUNT_ID_INPUT = z.string().trim().min(1).max(128);

/** Markdown that becomes Atlassian Document Format on the way to Jira. */
export const MARKDOWN_INPUT = z.string().max(32_000);

/** Annotations of every read tool: nothing changes, repeating is harmless. */
export const READ_ANNOTATIONS = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;

/** A write that adds something (an issue, a comment, a worklog, a link): repeating it adds another. */
export const ADDING_ANNOTATIONS = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
} as const;

/** A write that replaces values (fields, the assignee): what was there is lost, a repeat changes nothing more. */
export const OVERWRITING_ANNOTATIONS = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: true,
  openWorldHint: true,
} as const;
