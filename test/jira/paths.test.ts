import { describe, expect, it } from 'vitest';
import { buildUrl, issueKeySegment, projectKeySegment } from '../../src/jira/paths.js';

describe('Jira URL building', () => {
  it('accepts issue keys and numeric ids only', () => {
    expect(issueKeySegment('DEMO-12')).toBe('DEMO-12');
    expect(issueKeySegment('my_proj2-7')).toBe('MY_PROJ2-7');
    expect(issueKeySegment('10001')).toBe('10001');
    for (const bad of ['DEMO-', '-1', 'D-1', 'DÉMO-1', 'DEMO-1-2', 'DEMO 1', '1'.repeat(19)]) {
      expect(() => issueKeySegment(bad)).toThrow(/is not a Jira issue key/);
    }
    expect(issueKeySegment(' demo-1\n')).toBe('DEMO-1');
  });

  it('accepts project keys and numeric ids only', () => {
    expect(projectKeySegment('ops')).toBe('OPS');
    expect(projectKeySegment('10000')).toBe('10000');
    expect(() => projectKeySegment('OPS-1')).toThrow(/is not a Jira project key/);
  });

  it('stays under the base URL and its path', () => {
    expect(buildUrl('https://acme.atlassian.net', '/rest/api/3/myself').href).toBe(
      'https://acme.atlassian.net/rest/api/3/myself',
    );
    expect(
      buildUrl('https://example.com/jira/', '/rest/api/3/issue/DEMO-1', {
        a: ['1', '2'],
        b: undefined,
        c: true,
      }).href,
    ).toBe('https://example.com/jira/rest/api/3/issue/DEMO-1?a=1&a=2&c=true');
  });

  it('refuses a path that would leave the base URL', () => {
    expect(() => buildUrl('https://example.com/jira', '/rest/../../admin')).toThrow(
      'Refusing to build a Jira URL outside the configured base URL.',
    );
    expect(() => buildUrl('https://example.com', '//evil.example/rest/')).toThrow();
  });
});
