/**
 * The response/request validator the sandbox suites rely on: it must
 * reject what real Jira would not send, or every "conforms" assertion in
 * those suites would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  matchPathTemplate,
  validateRequestBody,
  validateResponse,
  validateSchema,
} from '../helpers/openapi-validator.js';

describe('OpenAPI validator: responses', () => {
  it('accepts a body of the documented shape', () => {
    expect(
      validateResponse('GET', '/rest/api/3/issue/{issueIdOrKey}', 404, {
        errorMessages: ['x'],
        errors: {},
      }),
    ).toEqual({ valid: true, errors: [] });
  });

  it('rejects undocumented properties, wrong types and enum values', () => {
    expect(
      validateResponse('GET', '/rest/api/3/myself', 200, { accountId: 'a', nickname: 'x' }),
    ).toEqual({
      valid: false,
      errors: ['/ must NOT have additional properties (nickname)'],
    });
    expect(validateResponse('GET', '/rest/api/3/myself', 200, { active: 'yes' }).errors).toEqual([
      '/active must be boolean',
    ]);
    expect(
      validateResponse('GET', '/rest/api/3/myself', 200, { accountType: 'robot' }).errors,
    ).toEqual(['/accountType must be equal to one of the allowed values']);
  });

  it('follows $refs into nested component schemas', () => {
    const result = validateResponse('GET', '/rest/api/3/project/search', 200, {
      values: [{ key: 'A', lead: { accountId: 5 } }],
    });
    expect(result.errors).toEqual(['/values/0/lead/accountId must be string']);
  });

  it('checks OpenAPI formats, accepting loopback URLs and Jira timestamps', () => {
    expect(
      validateResponse('GET', '/rest/api/3/myself', 200, {
        self: 'http://127.0.0.1:3000/rest/api/3/user',
      }).valid,
    ).toBe(true);
    expect(
      validateResponse('GET', '/rest/api/3/myself', 200, { self: 'not a uri' }).errors,
    ).toEqual(['/self must match format "uri"']);
    expect(validateSchema('Comment', { created: '2026-01-15T10:23:45.123+0000' }).valid).toBe(true);
    expect(validateSchema('Comment', { created: 'yesterday' }).errors).toEqual([
      '/created must match format "date-time"',
    ]);
    expect(validateSchema('PageOfComments', { total: 2 ** 40 }).valid).toBe(true);
    expect(validateSchema('PageOfComments', { maxResults: 2 ** 40 }).errors).toEqual([
      '/maxResults must match format "int32"',
    ]);
  });

  it('honours nullable', () => {
    expect(validateSchema('Visibility', { identifier: null }).valid).toBe(true);
    expect(validateSchema('Visibility', { identifier: 3 }).errors).toEqual([
      '/identifier must be string,null',
    ]);
  });

  it('refuses an undocumented status or operation', () => {
    expect(validateResponse('GET', '/rest/api/3/myself', 418, {}).errors).toEqual([
      'status 418 is not documented for GET /rest/api/3/myself',
    ]);
    expect(validateResponse('GET', '/rest/api/3/nothing', 200, {}).errors).toEqual([
      'GET /rest/api/3/nothing is not in the OpenAPI description',
    ]);
    expect(validateResponse('PATCH', '/rest/api/3/myself', 200, {}).valid).toBe(false);
  });

  it('accepts any body for a documented status that has no schema', () => {
    expect(validateResponse('GET', '/rest/api/3/myself', 401, { anything: true }).valid).toBe(true);
  });
});

describe('OpenAPI validator: request bodies', () => {
  it('checks required properties and types', () => {
    expect(
      validateRequestBody('POST', '/rest/api/3/issueLink', { type: { name: 'Blocks' } }).errors,
    ).toEqual([
      "/ must have required property 'inwardIssue'",
      "/ must have required property 'outwardIssue'",
    ]);
    expect(
      validateRequestBody('POST', '/rest/api/3/search/jql', { jql: 'x', maxResults: 'ten' }).errors,
    ).toEqual(['/maxResults must be integer']);
  });

  it('refuses an operation that takes no body', () => {
    expect(validateRequestBody('GET', '/rest/api/3/myself', {}).errors).toEqual([
      'GET /rest/api/3/myself takes no JSON request body',
    ]);
  });

  it('reports an unknown component schema', () => {
    expect(validateSchema('NoSuchSchema', {}).errors).toEqual([
      'no component schema named NoSuchSchema',
    ]);
  });
});

describe('OpenAPI validator: path templates', () => {
  it('maps concrete paths to templates, preferring literal segments, ignoring the query', () => {
    expect(matchPathTemplate('/rest/api/3/issue/DEMO-1')).toBe('/rest/api/3/issue/{issueIdOrKey}');
    expect(matchPathTemplate('/rest/api/3/issue/DEMO-1/comment?startAt=0')).toBe(
      '/rest/api/3/issue/{issueIdOrKey}/comment',
    );
    expect(matchPathTemplate('/rest/api/3/issue/createmeta/DEMO/issuetypes')).toBe(
      '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes',
    );
    expect(matchPathTemplate('/rest/api/3/project/search')).toBe('/rest/api/3/project/search');
    expect(matchPathTemplate('/rest/api/3/nope/nope/nope/nope/nope')).toBeUndefined();
  });

  it('validates a response given a concrete path', () => {
    expect(validateResponse('GET', '/rest/api/3/issue/DEMO-1', 200, { id: 1 }).errors).toEqual([
      '/id must be string',
    ]);
  });
});
