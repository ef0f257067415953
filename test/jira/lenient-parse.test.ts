/**
 * One odd field must not sink an issue or a search page: over the real issue
 * samples (test/fixtures/real-responses/), one field at a time is given a
 * value of a random wrong type; parsing never throws, every other field is
 * read exactly as before, and the odd one is either still readable or named
 * in `unreadableFields`. The formatting tools build on the result never throw.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUE_SCHEMA, SEARCH_RESULTS_SCHEMA, type JiraIssue } from '../../src/jira/schemas.js';
import { issueLine, toIssueSummary } from '../../src/mcp/tools/format.js';
import { clientFor } from './helpers/client-setup.js';
import { startStubServer, type StubServer } from './helpers/stub-server.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/real-responses');

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as unknown;
}

type Raw = { id: string; key: string; fields: Record<string, unknown> };

const SAMPLES: Raw[] = [
  'real/epic-tree-SCRUM-4.issue.json',
  'real/mantis-ECS-1.issue.json',
  'real/mantis-ECS-2.issue.json',
  'real/mantis-ECS-3.issue.json',
  'real/mantis-ECS-6.issue.json',
  'atlassian-doc/issue-ED-1.json',
  'jira-cli/issue.json',
].map((name) => {
  const raw = fixture(name) as Partial<Raw> & Omit<Raw, 'id'>;
  // jira-cli's trimmed sample has no id; Jira always sends one.
  return { ...raw, id: raw.id ?? '10000' };
});

/** A value of some JSON type, often not the one a field holds. */
const ODD_VALUE = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

describe('ISSUE_SCHEMA: lenient per field (property over real issue samples)', () => {
  it('every sample parses as it is', () => {
    for (const sample of SAMPLES) expect(ISSUE_SCHEMA.safeParse(sample).success).toBe(true);
  });

  it('never throws on one corrupted field; the other fields stay intact; the odd one is readable or named', () => {
    const cases = fc.integer({ min: 0, max: SAMPLES.length - 1 }).chain((i) => {
      const sample = SAMPLES[i] as Raw;
      const names = Object.keys(sample.fields);
      return fc.tuple(fc.constant(sample), fc.constantFrom(...names), ODD_VALUE);
    });
    fc.assert(
      fc.property(cases, ([sample, field, odd]) => {
        const baseline = ISSUE_SCHEMA.parse(sample);
        const corrupted = { ...sample, fields: { ...sample.fields, [field]: odd } };
        const parsed: JiraIssue = ISSUE_SCHEMA.parse(corrupted);
        const before: Record<string, unknown> = baseline.fields;
        const after: Record<string, unknown> = parsed.fields;
        for (const name of Object.keys(before)) {
          if (name !== field) expect(after[name]).toEqual(before[name]);
        }
        const named = parsed.unreadableFields?.includes(field) ?? false;
        expect(named || Object.hasOwn(after, field)).toBe(true);
        expect(named && Object.hasOwn(after, field)).toBe(false);
        // Only this field may be newly unreadable.
        const fresh = (parsed.unreadableFields ?? []).filter(
          (n) => !(baseline.unreadableFields ?? []).includes(n),
        );
        expect(fresh.every((n) => n === field)).toBe(true);
        const summary = toIssueSummary(parsed);
        expect(summary.key).toBe(sample.key);
        const line = issueLine(summary);
        if (named) expect(line).toContain(`field \`${field}\` unreadable`);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an issue whose fields are not an object, naming `fields`', () => {
    const parsed = ISSUE_SCHEMA.parse({ id: '1', key: 'A-1', fields: 7 });
    expect(parsed).toEqual({ id: '1', key: 'A-1', fields: {}, unreadableFields: ['fields'] });
  });

  it('still refuses an issue without a key', () => {
    expect(ISSUE_SCHEMA.safeParse({ id: '1', fields: {} }).success).toBe(false);
  });
});

describe('JiraClient.searchIssues with Atlassian’s own example page ("updated": 1)', () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startStubServer();
  });
  afterAll(async () => {
    await stub.close();
  });

  it('reads the page and names the odd field instead of failing it', async () => {
    const page = fixture('atlassian-doc/search-jql.json');
    // Strict parsing fails this page: the regression the lenient schema fixes.
    expect(
      SEARCH_RESULTS_SCHEMA.safeParse({
        issues: [{ id: '1', key: 'A-1', fields: { updated: 1, summary: 's' } }],
      }).data?.issues[0]?.unreadableFields,
    ).toEqual(['updated']);
    stub.handle(() => ({ status: 200, body: page }));
    const { client } = clientFor(stub.url);
    const result = await client.searchIssues({ jql: 'project = ED' });
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.key).toBe('ED-1');
    expect(result.issues[0]?.unreadableFields).toEqual(['updated']);
    expect(issueLine(toIssueSummary(result.issues[0] as JiraIssue))).toContain(
      'field `updated` unreadable',
    );
  });
});
