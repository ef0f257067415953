import { describe, expect, it } from 'vitest';
import { arr, BOB_ID, jiraErrorBody, obj, specErrors, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();
const REVIEWER_ALICE: unknown = expect.objectContaining({
  accountId: '712020:aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
});

describe('GET /rest/api/3/field', () => {
  it('lists system fields, the custom fields and Sprint as Jira Cloud does', async () => {
    const res = await t.call('GET', '/rest/api/3/field');
    expect(res.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/field', res)).toEqual([]);
    const byId: Record<string, Record<string, unknown>> = Object.fromEntries(
      arr(res.body).map((f) => [String(obj(f)['id']), obj(f)]),
    );
    expect(byId['customfield_10030']).toMatchObject({
      name: 'Severity',
      custom: true,
      clauseNames: ['cf[10030]', 'Severity'],
      schema: { type: 'option', customId: 10030 },
    });
    expect(Object.keys(byId)).toEqual(
      expect.arrayContaining([
        'summary',
        'customfield_10031',
        'customfield_10032',
        'customfield_10033',
        'customfield_10020',
      ]),
    );
  });
});

describe('custom field values in GET /rest/api/3/issue and POST /rest/api/3/search/jql', () => {
  it('represents an option, a number, a user and null like Jira Cloud', async () => {
    const path = '/rest/api/3/issue/DEMO-8';
    const res = await t.call(
      'GET',
      `${path}?fields=customfield_10030,customfield_10031,customfield_10032,customfield_10033`,
    );
    expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}', res)).toEqual([]);
    expect(obj(res.body)['fields']).toEqual({
      customfield_10030: {
        self: `${t.url}/rest/api/3/customFieldOption/10101`,
        value: 'Major',
        id: '10101',
      },
      customfield_10031: 2,
      customfield_10032: REVIEWER_ALICE,
      customfield_10033: null,
    });
    const search = await t.call('POST', '/rest/api/3/search/jql', {
      jql: 'key = OPS-2',
      fields: ['customfield_10033'],
    });
    expect(specErrors('POST', '/rest/api/3/search/jql', search)).toEqual([]);
    expect(obj(obj(arr(obj(search.body)['issues'])[0])['fields'])).toEqual({
      customfield_10033: 'Restores older than 24 hours are at risk.',
    });
  });
});

describe('writing custom fields (POST/PUT /rest/api/3/issue)', () => {
  it("answers 400 with Jira's per-field errors for bad values and off-screen fields", async () => {
    const res = await t.call('PUT', '/rest/api/3/issue/DEMO-6', {
      fields: {
        customfield_10030: { value: 'Blocker' },
        customfield_10031: 'three',
        customfield_10032: { accountId: 'nobody' },
        customfield_10033: 'x',
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      jiraErrorBody([], {
        customfield_10030: "Option value 'Blocker' is not valid",
        customfield_10031: 'Operation value must be a number',
        customfield_10032: "User 'nobody' was not found.",
        customfield_10033:
          "Field 'customfield_10033' cannot be set. It is not on the appropriate screen, or unknown.",
      }),
    );
  });

  it('requires Customer Impact on an OPS Bug and stores the values it accepts', async () => {
    const missing = await t.call('POST', '/rest/api/3/issue', {
      fields: { project: { key: 'OPS' }, issuetype: { name: 'Bug' }, summary: 'x' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(
      jiraErrorBody([], { customfield_10033: 'Customer Impact is required.' }),
    );
    const created = await t.call('POST', '/rest/api/3/issue', {
      fields: {
        project: { key: 'OPS' },
        issuetype: { name: 'Bug' },
        summary: 'x',
        customfield_10030: { id: '10103' },
        customfield_10032: { accountId: BOB_ID },
        customfield_10033: 'None yet.',
      },
    });
    expect(created.status).toBe(201);
    const key = String(obj(created.body)['key']);
    const read = await t.call(
      'GET',
      `/rest/api/3/issue/${key}?fields=customfield_10030,customfield_10032`,
    );
    expect(obj(read.body)['fields']).toMatchObject({
      customfield_10030: { value: 'Trivial' },
      customfield_10032: { accountId: BOB_ID },
    });
  });
});

describe('GET /rest/api/3/issue/{issueIdOrKey}/editmeta', () => {
  it('lists the edit screen with custom fields and allowed values', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/OPS-2/editmeta');
    expect(res.status).toBe(200);
    expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}/editmeta', res)).toEqual([]);
    const fields = obj(obj(res.body)['fields']);
    expect(fields['project']).toBeUndefined();
    expect(obj(fields['customfield_10033'])['required']).toBe(true);
    expect(
      arr(obj(fields['customfield_10030'])['allowedValues']).map((o) => obj(o)['value']),
    ).toEqual(['Critical', 'Major', 'Minor', 'Trivial']);
  });
});

describe('transitions with screen fields', () => {
  it('lists the resolution on the Done screen with expand=transitions.fields and applies it', async () => {
    await t.call('POST', '/rest/api/3/issue/DEMO-12/transitions', { transition: { id: '21' } });
    const path = '/rest/api/3/issue/DEMO-12/transitions';
    const res = await t.call('GET', `${path}?expand=transitions.fields`);
    expect(specErrors('GET', '/rest/api/3/issue/{issueIdOrKey}/transitions', res)).toEqual([]);
    const done = obj(arr(obj(res.body)['transitions']).find((tr) => obj(tr)['id'] === '31'));
    expect(done['hasScreen']).toBe(true);
    expect(obj(obj(done['fields'])['resolution'])['required']).toBe(true);
    const wrong = await t.call('POST', path, {
      transition: { id: '31' },
      fields: { resolution: { name: 'Fixed' } },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual(jiraErrorBody([], { resolution: 'Resolution is invalid.' }));
    const ok = await t.call('POST', path, {
      transition: { id: '31' },
      fields: { resolution: { name: 'Duplicate' } },
    });
    expect(ok.status).toBe(204);
    const issue = await t.call('GET', '/rest/api/3/issue/DEMO-12?fields=resolution');
    expect(obj(obj(obj(issue.body)['fields'])['resolution'])['name']).toBe('Duplicate');
  });
});

describe('custom field changes in the history', () => {
  it('records an edit of a custom field as a custom change item', async () => {
    const res = await t.call('PUT', '/rest/api/3/issue/DEMO-15', {
      fields: { customfield_10030: { value: 'Major' } },
    });
    expect(res.status).toBe(204);
    const log = await t.call('GET', '/rest/api/3/issue/DEMO-15/changelog');
    const items = arr(obj(log.body)['values']).flatMap((h) => arr(obj(h)['items']));
    expect(items.map(obj).filter((i) => i['fieldId'] === 'customfield_10030')).toEqual([
      {
        field: 'Severity',
        fieldtype: 'custom',
        fieldId: 'customfield_10030',
        from: '10102',
        fromString: 'Minor',
        to: '10101',
        toString: 'Major',
      },
    ]);
  });
});
