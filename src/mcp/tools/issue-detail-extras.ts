/**
 * The parts of jira_get_issue beyond the core facts: components, fix
 * versions, time tracking, environment, attachment names, the parent's
 * summary, and the fields the caller asked for by name or id (custom fields
 * shown by their names; fields without a value left out).
 */
import { z } from 'zod';
import { adfToMarkdown } from '../../jira/adf/index.js';
import type { FieldIndex } from './field-catalog.js';
import { oneLine } from './format.js';

/** Always fetched with the issue; small, and what people ask about next. */
export const EXTRA_DETAIL_FIELDS: readonly string[] = [
  'components',
  'fixVersions',
  'timetracking',
  'environment',
  'attachment',
];

const MAX_VALUE_TEXT = 500;
const MAX_ATTACHMENTS = 50;

export const REQUESTED_FIELD_SCHEMA = z.object({
  id: z.string(),
  name: z.string(),
  /** The value as text (ADF as Markdown, objects by their name), cut at 500 characters. */
  text: z.string(),
});

export const ISSUE_EXTRAS_SHAPE = {
  parentSummary: z.string().nullable(),
  components: z.array(z.string()),
  fixVersions: z.array(z.string()),
  timeTracking: z
    .object({
      originalEstimate: z.string().nullable(),
      remainingEstimate: z.string().nullable(),
      timeSpent: z.string().nullable(),
    })
    .nullable(),
  environment: z.string().nullable(),
  attachments: z.array(z.string()),
  /** Fields asked for with `fields` that have a value, by display name. */
  fields: z.array(REQUESTED_FIELD_SCHEMA),
};

export type IssueExtras = z.infer<z.ZodObject<typeof ISSUE_EXTRAS_SHAPE>>;

const NAMED = z.looseObject({ name: z.string() });
const NAMES = z
  .array(z.unknown())
  .catch([])
  .transform((items) => items.flatMap((i) => NAMED.safeParse(i).data?.name ?? []));
const ATTACHMENTS = z
  .array(z.unknown())
  .catch([])
  .transform((items) =>
    items.flatMap((i) => z.looseObject({ filename: z.string() }).safeParse(i).data?.filename ?? []),
  );
const TIME_TRACKING = z
  .looseObject({
    originalEstimate: z.string().optional(),
    remainingEstimate: z.string().optional(),
    timeSpent: z.string().optional(),
  })
  .nullish()
  .catch(null);
const PARENT = z
  .looseObject({ fields: z.looseObject({ summary: z.string().optional() }).optional() })
  .nullish()
  .catch(null);

function isAdf(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'doc'
  );
}

/** A field value as one line of text; undefined for "no value" (null, empty list, empty text). */
export function valueText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (isAdf(value)) {
    const text = adfToMarkdown(value).trim();
    return text === '' ? undefined : text.slice(0, MAX_VALUE_TEXT);
  }
  if (typeof value === 'string')
    return value.trim() === '' ? undefined : value.slice(0, MAX_VALUE_TEXT);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const parts = value.map(valueText).filter((t): t is string => t !== undefined);
    return parts.length === 0 ? undefined : parts.join(', ').slice(0, MAX_VALUE_TEXT);
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    for (const key of ['displayName', 'name', 'value', 'key']) {
      const candidate = v[key];
      if (typeof candidate === 'string') {
        const child = v['child'];
        const childText = child === undefined ? undefined : valueText(child);
        return childText === undefined ? candidate : `${candidate} / ${childText}`;
      }
    }
    return JSON.stringify(value).slice(0, MAX_VALUE_TEXT);
  }
  return undefined;
}

/**
 * The extras from the issue's raw fields. `requested`: ids the caller asked
 * for, or `*all` for every field with a value beyond the core ones.
 */
export function readIssueExtras(
  raw: Record<string, unknown>,
  requested: readonly string[] | '*all',
  index: FieldIndex | undefined,
  coreFields: readonly string[],
): IssueExtras {
  const tracking = TIME_TRACKING.parse(raw['timetracking']);
  const environment = raw['environment'] === undefined ? undefined : valueText(raw['environment']);
  const ids =
    requested === '*all'
      ? Object.keys(raw).filter(
          (id) => !coreFields.includes(id) && !EXTRA_DETAIL_FIELDS.includes(id),
        )
      : requested;
  const fields = ids.flatMap((id) => {
    const text = valueText(raw[id]);
    return text === undefined ? [] : [{ id, name: index?.nameOf(id) ?? id, text }];
  });
  return {
    parentSummary: PARENT.parse(raw['parent'])?.fields?.summary ?? null,
    components: NAMES.parse(raw['components']),
    fixVersions: NAMES.parse(raw['fixVersions']),
    timeTracking:
      tracking === null || tracking === undefined || Object.keys(tracking).length === 0
        ? null
        : {
            originalEstimate: tracking.originalEstimate ?? null,
            remainingEstimate: tracking.remainingEstimate ?? null,
            timeSpent: tracking.timeSpent ?? null,
          },
    environment: environment ?? null,
    attachments: ATTACHMENTS.parse(raw['attachment']).slice(0, MAX_ATTACHMENTS),
    fields,
  };
}

/** Fact lines for the extras (only those with a value). */
export function extrasFactLines(extras: IssueExtras): string[] {
  const lines: string[] = [];
  const parts: string[] = [];
  if (extras.components.length > 0) parts.push(`**Components:** ${extras.components.join(', ')}`);
  if (extras.fixVersions.length > 0)
    parts.push(`**Fix versions:** ${extras.fixVersions.join(', ')}`);
  const t = extras.timeTracking;
  if (t !== null) {
    const time = [
      t.originalEstimate === null ? '' : `estimate ${t.originalEstimate}`,
      t.remainingEstimate === null ? '' : `remaining ${t.remainingEstimate}`,
      t.timeSpent === null ? '' : `spent ${t.timeSpent}`,
    ].filter((x) => x !== '');
    if (time.length > 0) parts.push(`**Time:** ${time.join(', ')}`);
  }
  if (parts.length > 0) lines.push(parts.join(' · '));
  if (extras.environment !== null) lines.push(`**Environment:** ${oneLine(extras.environment)}`);
  if (extras.attachments.length > 0)
    lines.push(`**Attachments:** ${extras.attachments.join(', ')}`);
  return lines;
}

/** The requested fields as a Markdown section, or undefined when none has a value. */
export function requestedFieldsSection(extras: IssueExtras): string | undefined {
  if (extras.fields.length === 0) return undefined;
  return `## Fields\n${extras.fields.map((f) => `- **${f.name}** (\`${f.id}\`): ${oneLine(f.text)}`).join('\n')}`;
}
