/**
 * The `visibility` of a comment being added: a project role or a group the
 * author must belong to, with Jira's wording when they do not (Jira files
 * these under the `commentLevel` key of the error collection).
 */
import { z } from 'zod';
import { PROJECT_ROLES, type SandboxDirectory, type SandboxUser } from './directory.js';
import { canSeeComment, type CommentVisibility } from './permissions.js';

const VisibilitySchema = z.looseObject({
  type: z.enum(['role', 'group']),
  value: z.string().optional(),
  identifier: z.string().optional(),
});

/** The error-collection key Jira reports visibility problems under. */
export const COMMENT_LEVEL = 'commentLevel';

export type VisibilityResult =
  { visibility: CommentVisibility | null } | { error: string } | { invalid: true };

/**
 * Resolves a requested `visibility` for a comment by `author` on an issue of
 * `projectKey`. A role is named by `identifier` (role id or name) or
 * `value`; a group by `identifier` (group id) or `value` (name). Absent or
 * null means unrestricted. `invalid` when the shape is wrong.
 * @see Jira Cloud REST v3 POST /rest/api/3/issue/{issueIdOrKey}/comment `visibility`
 */
export function resolveVisibility(
  directory: SandboxDirectory,
  author: SandboxUser,
  projectKey: string,
  raw: unknown,
): VisibilityResult {
  if (raw === undefined || raw === null) return { visibility: null };
  const parsed = VisibilitySchema.safeParse(raw);
  if (!parsed.success) return { invalid: true };
  const { type, value, identifier } = parsed.data;
  const ref = identifier ?? value;
  if (ref === undefined || ref.trim() === '') return { invalid: true };
  if (type === 'role') {
    const wanted = ref.toLowerCase();
    const role = PROJECT_ROLES.find((r) => r.id === ref || r.name.toLowerCase() === wanted);
    if (role === undefined) return { error: `Role with id: ${ref} does not exist.` };
    const visibility: CommentVisibility = { type: 'role', value: role.name };
    return canSeeComment(author, projectKey, visibility)
      ? { visibility }
      : { error: `You are currently not a member of the project role: ${role.name}.` };
  }
  const group = directory.findGroup(ref);
  if (group === undefined) return { error: `Group: ${ref} does not exist.` };
  const visibility: CommentVisibility = { type: 'group', value: group.name };
  return canSeeComment(author, projectKey, visibility)
    ? { visibility }
    : { error: `You are currently not a member of the group: ${group.name}.` };
}
