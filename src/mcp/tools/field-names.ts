/** Field names or ids a caller asks to read, resolved against the site's field list. */
import { fieldIndexFor, type FieldIndex } from './field-catalog.js';
import { ToolUsageError, type ToolContext } from './tool-definition.js';

/**
 * Resolves `names` (ids, names case-insensitively, or `*all`) to field ids
 * with the site's (cached) field list. An ambiguous name reads every field
 * of that name; an unknown one is a ToolUsageError naming it.
 * @see Jira Cloud platform REST API v3, getFields; getIssue (`fields`)
 */
export async function resolveRequestedFields(
  context: ToolContext,
  names: readonly string[],
): Promise<{ fields: readonly string[] | '*all'; index: FieldIndex }> {
  const index = await fieldIndexFor(context);
  if (names.includes('*all')) return { fields: '*all', index };
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const found = index.find(name);
    if (found.length === 0) unknown.push(name);
    for (const field of found) if (!ids.includes(field.id)) ids.push(field.id);
  }
  if (unknown.length > 0) {
    throw new ToolUsageError(
      'invalid_arguments',
      `Unknown field(s): ${unknown.map((n) => `"${n}"`).join(', ')}. jira_list_fields finds a field's id and name.`,
    );
  }
  return { fields: ids, index };
}
