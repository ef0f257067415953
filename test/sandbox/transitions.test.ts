import { describe, expect, it } from 'vitest';
import { validateRequestBody } from '../helpers/openapi-validator.js';
import { arr, jiraErrorBody, obj, specErrors, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();

const TEMPLATE = '/rest/api/3/issue/{issueIdOrKey}/transitions';

async function transitionIds(key: string): Promise<unknown[]> {
  const res = await t.call('GET', `/rest/api/3/issue/${key}/transitions`);
  expect(res.status).toBe(200);
  expect(specErrors('GET', TEMPLATE, res)).toEqual([]);
  return arr(obj(res.body)['transitions']).map((tr) => obj(tr)['id']);
}

async function state(key: string): Promise<Record<string, unknown>> {
  const res = await t.call(
    'GET',
    `/rest/api/3/issue/${key}?fields=status,resolution,resolutiondate,statuscategorychangedate,comment`,
  );
  return obj(obj(res.body)['fields']);
}

describe('GET /rest/api/3/issue/{issueIdOrKey}/transitions', () => {
  it('offers the workflow transitions out of the current status', async () => {
    expect(await transitionIds('OPS-1')).toEqual(['21']);
    expect(await transitionIds('OPS-2')).toEqual(['11', '31']);
    expect(await transitionIds('OPS-3')).toEqual(['41']);
  });

  it('describes each transition with its target status', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/OPS-1/transitions');
    expect(res.body).toMatchObject({
      expand: 'transitions',
      transitions: [
        {
          id: '21',
          name: 'Start Progress',
          to: { id: '3', name: 'In Progress', statusCategory: { key: 'indeterminate' } },
          hasScreen: false,
          isAvailable: true,
        },
      ],
    });
  });

  it('filters by transitionId', async () => {
    const res = await t.call('GET', '/rest/api/3/issue/OPS-2/transitions?transitionId=31');
    expect(arr(obj(res.body)['transitions']).map((tr) => obj(tr)['name'])).toEqual(['Done']);
  });
});

describe('POST /rest/api/3/issue/{issueIdOrKey}/transitions', () => {
  it('walks To Do → In Progress → Done → To Do, setting and clearing the resolution', async () => {
    const start = { transition: { id: '21' } };
    expect(validateRequestBody('POST', TEMPLATE, start).errors).toEqual([]);
    t.clock.advance(60_000);
    const res = await t.call('POST', '/rest/api/3/issue/DEMO-27/transitions', start);
    expect(res.status).toBe(204);
    expect(specErrors('POST', TEMPLATE, res)).toEqual([]);
    expect(await state('DEMO-27')).toMatchObject({
      status: { name: 'In Progress' },
      resolution: null,
      statuscategorychangedate: '2026-01-31T12:01:00.000+0000',
    });

    t.clock.advance(60_000);
    expect(
      (await t.call('POST', '/rest/api/3/issue/DEMO-27/transitions', { transition: { id: '31' } }))
        .status,
    ).toBe(204);
    expect(await state('DEMO-27')).toMatchObject({
      status: { name: 'Done', statusCategory: { key: 'done' } },
      resolution: { name: 'Done' },
      resolutiondate: '2026-01-31T12:02:00.000+0000',
    });

    expect(
      (await t.call('POST', '/rest/api/3/issue/DEMO-27/transitions', { transition: { id: '41' } }))
        .status,
    ).toBe(204);
    expect(await state('DEMO-27')).toMatchObject({
      status: { name: 'To Do' },
      resolution: null,
      resolutiondate: null,
    });
  });

  it('applies a comment from update and accepts the resolution field', async () => {
    const closing = {
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Closed from the transition' }] },
      ],
    };
    const body = {
      transition: { id: '31' },
      fields: { resolution: { name: 'Done' } },
      update: { comment: [{ add: { body: closing } }] },
    };
    // Counted relative to the seeded comments (OPS-2 also holds a restricted internal note).
    const before = obj((await state('OPS-2'))['comment']);
    const res = await t.call('POST', '/rest/api/3/issue/OPS-2/transitions', body);
    expect(res.status).toBe(204);
    const fields = await state('OPS-2');
    expect(fields['status']).toMatchObject({ name: 'Done' });
    expect(fields['resolution']).toMatchObject({ name: 'Done' });
    const after = obj(fields['comment']);
    expect(after['total']).toBe(Number(before['total']) + 1);
    const comments = arr(after['comments']);
    expect(comments).toHaveLength(Number(before['total']) + 1);
    expect(obj(comments.at(-1))['body']).toEqual(closing);
  });

  it("answers 400 for a transition not available from the current status, with Jira's message", async () => {
    const res = await t.call('POST', '/rest/api/3/issue/OPS-1/transitions', {
      transition: { id: '31' },
    });
    expect(res.status).toBe(400);
    expect(specErrors('POST', TEMPLATE, res)).toEqual([]);
    expect(res.body).toEqual(jiraErrorBody(["Transition id '31' is not valid for this issue."]));
    expect((await state('OPS-1'))['status']).toMatchObject({ name: 'To Do' });
  });

  it('answers 400 when no transition is given and 404 for an unknown issue', async () => {
    const missing = await t.call('POST', '/rest/api/3/issue/OPS-1/transitions', { fields: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(jiraErrorBody(["Missing 'transition' identifier"]));
    const unknown = await t.call('POST', '/rest/api/3/issue/OPS-77/transitions', {
      transition: { id: '21' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(
      jiraErrorBody(['Issue does not exist or you do not have permission to see it.']),
    );
  });
});
