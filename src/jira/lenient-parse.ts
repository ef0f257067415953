/**
 * Per-property leniency for Jira objects: one property of an unexpected type
 * (a number where the gateway expected a string, an object for a list) must
 * not sink the whole issue, comment or search page. The property is dropped
 * and named, so a tool can keep what is readable and say what is not.
 * @see Jira Cloud platform REST API v3, IssueBean (`fields` is an open map)
 */
import { z } from 'zod';

/** How many rounds of dropping are tried before giving up (zod reports every bad property in one round). */
const MAX_ROUNDS = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `raw` without the top-level properties `schema` cannot read, and their
 * names. Properties in `keep` (the required ones, like an issue's key) are
 * never dropped: their failure is the caller's to report. Linear in the size
 * of `raw` per round, at most {@link MAX_ROUNDS} rounds.
 * @see Jira Cloud platform REST API v3, IssueBean
 */
export function dropUnreadable(
  schema: z.ZodType,
  raw: Record<string, unknown>,
  keep: ReadonlySet<string> = new Set(),
): { value: Record<string, unknown>; unreadable: string[] } {
  let value = raw;
  const unreadable: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const parsed = schema.safeParse(value);
    if (parsed.success) break;
    const bad = new Set<string>();
    for (const issue of parsed.error.issues) {
      const head = issue.path[0];
      if (typeof head === 'string' && !keep.has(head) && Object.hasOwn(value, head)) bad.add(head);
    }
    if (bad.size === 0) break;
    const next: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      if (!bad.has(name)) {
        Object.defineProperty(next, name, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    unreadable.push(...bad);
    value = next;
  }
  return { value, unreadable };
}

/**
 * Wraps an object schema whose optional properties may each be unreadable:
 * the output gains `unreadableFields` (the dropped names, when any) and
 * `nested` names a property holding another lenient map (an issue's
 * `fields`), whose dropped names are reported as they are (`priority`).
 * A value that is not an object, or lacks a required property, still fails.
 * @see Jira Cloud platform REST API v3, IssueBean, Comment
 */
export function lenientObject<S extends z.ZodType>(
  schema: S,
  options: { required: readonly string[]; nested?: { name: string; schema: z.ZodType } },
): z.ZodType<z.output<S> & { unreadableFields?: string[] | undefined }> {
  const keep = new Set(options.required);
  const withList = z.intersection(
    schema,
    z.object({ unreadableFields: z.array(z.string()).optional() }),
  );
  return z.preprocess((raw) => {
    if (!isRecord(raw)) return raw;
    const unreadable: string[] = [];
    let value: Record<string, unknown> = { ...raw };
    const nested = options.nested;
    if (nested !== undefined && Object.hasOwn(value, nested.name)) {
      const inner = value[nested.name];
      if (isRecord(inner)) {
        const cleaned = dropUnreadable(nested.schema, inner);
        value[nested.name] = cleaned.value;
        unreadable.push(...cleaned.unreadable);
      } else if (inner !== undefined) {
        // Undefined, so the schema's own default (an empty map) applies.
        value[nested.name] = undefined;
        unreadable.push(nested.name);
      }
    }
    const top = dropUnreadable(schema, value, keep);
    value = top.value;
    unreadable.push(...top.unreadable);
    delete value['unreadableFields'];
    return unreadable.length === 0 ? value : { ...value, unreadableFields: unreadable };
  }, withList);
}
