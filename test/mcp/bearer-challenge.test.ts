import { describe, expect, it } from 'vitest';
import { bearerChallenge, readBearerToken } from '../../src/mcp/bearer-challenge.js';

describe('RFC 6750 §3 Bearer challenges and §2.1 header parsing', () => {
  const resourceMetadata = 'https://gw.example/.well-known/oauth-protected-resource/mcp';

  it('omits the error code when the request had no token', () => {
    expect(bearerChallenge({ scopes: ['jira:read', 'jira:write'], resourceMetadata })).toBe(
      `Bearer resource_metadata="${resourceMetadata}", scope="jira:read jira:write"`,
    );
  });

  it('orders scopes canonically and escapes quoted strings', () => {
    expect(
      bearerChallenge({
        error: 'insufficient_scope',
        errorDescription: 'needs "write"',
        scopes: ['jira:write', 'jira:read'],
        resourceMetadata,
      }),
    ).toBe(
      `Bearer error="insufficient_scope", error_description="needs \\"write\\"", resource_metadata="${resourceMetadata}", scope="jira:read jira:write"`,
    );
  });

  it('reads only a well-formed Bearer credential', () => {
    expect(readBearerToken('Bearer abc-DEF_123.~+/=')).toBe('abc-DEF_123.~+/=');
    expect(readBearerToken('bearer abc')).toBe('abc');
    expect(readBearerToken(undefined)).toBeUndefined();
    expect(readBearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(readBearerToken('Bearer')).toBeUndefined();
    expect(readBearerToken('Bearer a b')).toBeUndefined();
    expect(readBearerToken('Bearer "quoted"')).toBeUndefined();
  });
});
