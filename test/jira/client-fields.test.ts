import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor } from './helpers/client-setup.js';
import { startStubServer, type StubServer } from './helpers/stub-server.js';

const REAL = 'test/fixtures/real-responses/real';
const real = (file: string): unknown => JSON.parse(readFileSync(`${REAL}/${file}`, 'utf8'));
const openapi = JSON.parse(
  readFileSync('test/fixtures/jira-platform-rest-v3.openapi.json', 'utf8'),
) as {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { example?: string }> }> }
    >
  >;
};

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

describe('JiraClient custom-field methods, against real and published responses', () => {
  it("listFields reads Atlassian's published GET /field example", async () => {
    const example =
      openapi.paths['/rest/api/3/field']?.['get']?.responses['200']?.content?.['application/json']
        ?.example;
    stub.handle(() => ({ status: 200, body: JSON.parse(example ?? '[]') as unknown }));
    const { client } = clientFor(stub.url);
    const fields = await client.listFields();
    expect(fields.map((f) => [f.id, f.name])).toEqual(
      expect.arrayContaining([
        ['description', 'Description'],
        ['summary', 'Summary'],
      ]),
    );
    expect(stub.requests.map((r) => r.url)).toEqual(['/rest/api/3/field']);
  });

  it('getCreateMetaFields keeps reporter required with hasDefaultValue (mantis ECS Bug)', async () => {
    stub.handle(() => ({ status: 200, body: real('mantis-createmeta-bug.json') }));
    const { client } = clientFor(stub.url);
    const fields = await client.getCreateMetaFields('ECS', '10004');
    const reporter = fields.find((f) => f.fieldId === 'reporter');
    expect([reporter?.required, reporter?.hasDefaultValue]).toEqual([true, true]);
    expect(fields.find((f) => f.name === 'Flagged')?.schema).toMatchObject({
      type: 'array',
      items: 'option',
    });
  });

  it('getIssue keeps the ~30 null custom fields of a real issue readable (Epic-Tree SCRUM-4)', async () => {
    stub.handle(() => ({ status: 200, body: real('epic-tree-SCRUM-4.issue.json') }));
    const { client } = clientFor(stub.url);
    const issue = await client.getIssue('SCRUM-4', { fields: ['*all'] });
    const raw: Record<string, unknown> = issue.fields;
    const nullCustom = Object.entries(raw).filter(
      ([id, v]) => id.startsWith('customfield_') && v === null,
    );
    expect(nullCustom.length).toBeGreaterThanOrEqual(25);
    expect(issue.fields.parent?.key).toBe('ET-2');
  });

  it('getEditMeta keys metadata by field id; getTransitionsWithFields asks for screen fields', async () => {
    stub.handle((request) =>
      request.url.includes('editmeta')
        ? {
            status: 200,
            body: {
              fields: {
                customfield_10030: {
                  required: false,
                  name: 'Severity',
                  key: 'customfield_10030',
                  schema: { type: 'option', custom: 'x:select', customId: 10030 },
                  operations: ['set'],
                  allowedValues: [{ id: '1', value: 'Major' }],
                },
              },
            },
          }
        : { status: 200, body: { transitions: [{ id: '31', name: 'Done', fields: {} }] } },
    );
    const { client } = clientFor(stub.url);
    const meta = await client.getEditMeta('demo-1');
    expect(meta['customfield_10030']).toMatchObject({
      fieldId: 'customfield_10030',
      name: 'Severity',
    });
    await client.getTransitionsWithFields('DEMO-1');
    expect(stub.requests.map((r) => r.url)).toEqual([
      '/rest/api/3/issue/DEMO-1/editmeta',
      '/rest/api/3/issue/DEMO-1/transitions?expand=transitions.fields',
    ]);
    expect(await client.siteKey()).toBe(stub.url.replace(/\/+$/, '').toLowerCase());
  });
});
