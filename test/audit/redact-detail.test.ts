import { describe, expect, it } from 'vitest';
import { redactDetail } from '../../src/audit/redact-detail.js';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomToken } from '../../src/crypto/random.js';

describe('redactDetail (RFC 6749 §10.3: credentials stay confidential)', () => {
  it.each([
    'access_token',
    'refreshToken',
    'TOKEN',
    'client_secret',
    'password',
    'newPassword',
    'code_verifier',
    'Authorization',
    'credential',
    'jiraCredentials',
  ])('drops the key %s whatever its value', (key) => {
    expect(redactDetail({ [key]: 'short', tool: 'jira_search' })).toStrictEqual({
      detail: { tool: 'jira_search' },
      dropped: [key],
    });
  });

  it('drops values shaped like our random tokens, their hashes, or longer base64url runs', () => {
    const token = randomToken();
    expect(token).toHaveLength(43);
    const result = redactDetail({
      raw: token,
      hashed: hashSecret(token),
      bearer: `Bearer ${randomToken()}`,
      jwtish: `${randomToken(48)}.${randomToken(48)}`,
      kept: 'jira:read jira:write',
    });
    expect(result).toStrictEqual({
      detail: { kept: 'jira:read jira:write' },
      dropped: ['raw', 'hashed', 'bearer', 'jwtish'],
    });
  });

  it('keeps ordinary values: ids, URLs, short strings, numbers, booleans, null', () => {
    const detail = {
      clientId: 'cli_Qx3mZ0a9bC4dE5fG6hI7jA',
      redirectUri: 'http://127.0.0.1:53117/callback',
      fortyTwoChars: 'a'.repeat(42),
      count: 3,
      active: false,
      reason: null,
    };
    expect(redactDetail(detail)).toStrictEqual({ detail, dropped: [] });
  });
});
