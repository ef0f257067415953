import { describe, expect, it } from 'vitest';
import {
  arr,
  basic,
  jiraErrorBody,
  obj,
  specErrors,
  useTestSandbox,
  type JsonResponse,
} from './sandbox-fixture.js';
import { validateSchema } from '../helpers/openapi-validator.js';

const t = useTestSandbox();

const TEMPLATE = '/rest/api/3/search/jql';
const q = (jql: string): string => encodeURIComponent(jql);
const issuesOf = (res: JsonResponse): Record<string, unknown>[] =>
  arr(obj(res.body)['issues']).map(obj);
const keysOf = (res: JsonResponse): unknown[] => issuesOf(res).map((issue) => issue['key']);

describe('GET /rest/api/3/search/jql', () => {
  it('returns only ids by default, with isLast and no total', async () => {
    const res = await t.call('GET', `${TEMPLATE}?jql=${q('project = OPS ORDER BY key')}`);
    expect(res.status).toBe(200);
    expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
    expect(res.body).toEqual({
      issues: [{ id: '10029' }, { id: '10030' }, { id: '10031' }],
      isLast: true,
    });
  });

  it('returns the requested fields, comma-separated or repeated, with key and self', async () => {
    const res = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('key = OPS-2')}&fields=summary,status&fields=assignee`,
    );
    expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
    const [issue] = issuesOf(res);
    expect(issue).toMatchObject({
      id: '10030',
      key: 'OPS-2',
      self: `${t.url}/rest/api/3/issue/10030`,
    });
    const fields = obj(issue?.['fields']);
    expect(Object.keys(fields)).toEqual(['summary', 'status', 'assignee']);
    expect(fields['summary']).toBe('Nightly backup job exceeded its window');
    expect(validateSchema('StatusDetails', fields['status']).errors).toEqual([]);
    expect(validateSchema('UserDetails', fields['assignee']).errors).toEqual([]);
  });

  it('supports *navigable (no comment or worklog), *all, and -field exclusions', async () => {
    const navigable = await t.call('GET', `${TEMPLATE}?jql=${q('key = DEMO-8')}&fields=*navigable`);
    const navFields = Object.keys(obj(issuesOf(navigable)[0]?.['fields']));
    expect(navFields).toContain('description');
    expect(navFields).not.toContain('comment');
    const all = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('key = DEMO-8')}&fields=*all,-description`,
    );
    const allFields = Object.keys(obj(issuesOf(all)[0]?.['fields']));
    expect(allFields).toContain('comment');
    expect(allFields).not.toContain('description');
    const excluded = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('key = DEMO-8')}&fields=-description`,
    );
    expect(Object.keys(obj(issuesOf(excluded)[0]?.['fields']))).toEqual(
      navFields.filter((f) => f !== 'description'),
    );
  });

  it('orders by created DESC when the query has no ORDER BY', async () => {
    const res = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('project = DEMO')}&fields=summary&maxResults=3`,
    );
    expect(keysOf(res)).toEqual(['DEMO-27', 'DEMO-18', 'DEMO-15']);
  });

  it('pages through every match with nextPageToken, then omits it on the last page', async () => {
    const seen: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await t.call(
        'GET',
        `${TEMPLATE}?jql=${q('project = DEMO ORDER BY key')}&fields=summary&maxResults=10` +
          (token === undefined ? '' : `&nextPageToken=${encodeURIComponent(token)}`),
      );
      expect(res.status).toBe(200);
      const body = obj(res.body);
      seen.push(...keysOf(res));
      token = typeof body['nextPageToken'] === 'string' ? body['nextPageToken'] : undefined;
      expect(body['isLast']).toBe(token === undefined);
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 28 }, (_, i) => `DEMO-${i + 1}`));
  });

  it('refuses a nextPageToken issued for another query', async () => {
    const first = await t.call('GET', `${TEMPLATE}?jql=${q('project = DEMO')}&maxResults=5`);
    const token = String(obj(first.body)['nextPageToken']);
    const res = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('project = OPS')}&nextPageToken=${encodeURIComponent(token)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody(['The provided next page token is invalid or expired.']),
    );
  });

  it('returns every match in one page when maxResults exceeds the total', async () => {
    const res = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('project in (DEMO, OPS)')}&maxResults=10000`,
    );
    expect(issuesOf(res)).toHaveLength(31);
    expect(obj(res.body)['isLast']).toBe(true);
  });

  it('puts names and schema at the top level and renderedFields and transitions on each issue', async () => {
    const res = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('key = DEMO-6')}&fields=summary,description&expand=names,schema,renderedFields,transitions`,
    );
    expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
    const body = obj(res.body);
    expect(body['names']).toEqual({ summary: 'Summary', description: 'Description' });
    expect(body['schema']).toEqual({
      summary: { type: 'string', system: 'summary' },
      description: { type: 'string', system: 'description' },
    });
    const [issue] = issuesOf(res);
    expect(String(obj(issue?.['renderedFields'])['description'])).toContain(
      '<h3>Steps to reproduce</h3>',
    );
    expect(arr(issue?.['transitions']).map((tr) => obj(tr)['id'])).toEqual(['21']);
    expect(issue?.['names']).toBeUndefined();
  });

  it("answers 400 with Jira's message for invalid JQL", async () => {
    const res = await t.call('GET', `${TEMPLATE}?jql=${q('invalid query')}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody([
        "Error in the JQL Query: Expecting operator but got 'query'. The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. (line 1, character 9)",
      ]),
    );
    expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
  });

  it('answers 400 for unknown fields and values, listing each', async () => {
    const res = await t.call('GET', `${TEMPLATE}?jql=${q('universe = 42 OR project = NOPE')}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody([
        "Field 'universe' does not exist or you do not have permission to view it.",
        "The value 'NOPE' does not exist for the field 'project'.",
      ]),
    );
  });

  it('refuses an empty or ORDER BY-only (unbounded) query', async () => {
    const unbounded = jiraErrorBody([
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    ]);
    for (const path of [
      TEMPLATE,
      `${TEMPLATE}?jql=`,
      `${TEMPLATE}?jql=${q('order by key desc')}`,
    ]) {
      const res = await t.call('GET', path);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(unbounded);
    }
  });

  it('resolves currentUser() to whoever authenticated', async () => {
    const jql = q('assignee = currentUser() AND labels = payments ORDER BY key');
    const alice = await t.call('GET', `${TEMPLATE}?jql=${jql}&fields=summary`);
    const bob = await t.call('GET', `${TEMPLATE}?jql=${jql}&fields=summary`, undefined, 'bob');
    expect(keysOf(alice)).toEqual(['DEMO-3', 'DEMO-11']);
    expect(keysOf(bob)).toEqual(['DEMO-4', 'DEMO-23']);
  });
});

describe('POST /rest/api/3/search/jql', () => {
  it('takes the query in a SearchAndReconcileRequestBean', async () => {
    const res = await t.call('POST', TEMPLATE, {
      jql: 'project = OPS AND status != Done ORDER BY key',
      fields: ['summary', 'priority'],
      maxResults: 1,
      expand: 'names',
    });
    expect(res.status).toBe(200);
    expect(specErrors('POST', TEMPLATE, res)).toEqual([]);
    expect(keysOf(res)).toEqual(['OPS-1']);
    expect(obj(res.body)['names']).toEqual({ summary: 'Summary', priority: 'Priority' });
    const token = obj(res.body)['nextPageToken'];
    const next = await t.call('POST', TEMPLATE, {
      jql: 'project = OPS AND status != Done ORDER BY key',
      fields: ['summary'],
      nextPageToken: token,
    });
    expect(keysOf(next)).toEqual(['OPS-2']);
    expect(obj(next.body)['isLast']).toBe(true);
  });

  it('answers 400 for unknown properties, a missing body, and broken JSON', async () => {
    const unknown = await t.call('POST', TEMPLATE, { jql: 'project = OPS', startAt: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(
      jiraErrorBody([
        'Invalid request payload. Refer to the REST API documentation and try again.',
      ]),
    );
    const missing = await t.call('POST', TEMPLATE);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(jiraErrorBody(['The request body is missing.']));
    const broken = await fetch(`${t.url}${TEMPLATE}`, {
      method: 'POST',
      headers: { authorization: basic('alice'), 'content-type': 'application/json' },
      body: '{"jql": ',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toEqual(jiraErrorBody(['The request body is not valid JSON.']));
  });
});

describe('GET /rest/api/3/search/jql page-size caps', () => {
  it('caps pages at 100 issues when fields are requested, 5000 when only ids are', async () => {
    for (let batch = 0; batch < 8; batch += 1) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.call('POST', '/rest/api/3/issue', {
            fields: {
              project: { key: 'OPS' },
              issuetype: { name: 'Task' },
              summary: `Bulk ${batch * 10 + i}`,
            },
          }),
        ),
      );
    }
    const withFields = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('project in (DEMO, OPS)')}&fields=summary&maxResults=5000`,
    );
    expect(issuesOf(withFields)).toHaveLength(100);
    expect(obj(withFields.body)['isLast']).toBe(false);
    const idsOnly = await t.call(
      'GET',
      `${TEMPLATE}?jql=${q('project in (DEMO, OPS)')}&maxResults=5000`,
    );
    expect(issuesOf(idsOnly)).toHaveLength(111);
    expect(obj(idsOnly.body)['isLast']).toBe(true);
  });
});
