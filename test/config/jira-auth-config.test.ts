import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted the configuration');
}

const SITE = 'https://acme.atlassian.net';

describe('JIRA_AUTH: whose Jira account acts', () => {
  it('defaults to service, with no Atlassian settings', () => {
    const config = loadConfig({});
    expect(config.jiraAuth).toBe('service');
    expect(config.atlassian).toBeUndefined();
  });

  it('refuses an unknown mode, naming JIRA_AUTH', () => {
    expect(configError({ JIRA_AUTH: 'oauth' }).message).toMatch(
      /^Invalid configuration:\n {2}JIRA_AUTH: /,
    );
  });

  it('builds the Atlassian app with the default endpoints, scopes and callback URL', () => {
    const config = loadConfig({
      JIRA_AUTH: 'atlassian-oauth',
      JIRA_BASE_URL: SITE,
      ATLASSIAN_CLIENT_ID: 'abc123',
      ATLASSIAN_CLIENT_SECRET: 'shh',
      PUBLIC_URL: 'https://gw.example.com/',
    });
    expect(config.jiraAuth).toBe('atlassian-oauth');
    expect(config.atlassian).toStrictEqual({
      clientId: 'abc123',
      clientSecret: 'shh',
      authUrl: 'https://auth.atlassian.com',
      apiUrl: 'https://api.atlassian.com',
      scopes: ['read:jira-work', 'write:jira-work', 'read:jira-user', 'read:me', 'offline_access'],
      redirectUri: 'https://gw.example.com/jira/oauth/callback',
    });
    expect(config.jira).toStrictEqual({ baseUrl: SITE, email: '', apiToken: '' });
  });

  it('takes other Atlassian endpoints (loopback http for tests), without a trailing slash', () => {
    const config = loadConfig({
      JIRA_AUTH: 'atlassian-oauth',
      ATLASSIAN_CLIENT_ID: 'abc123',
      ATLASSIAN_AUTH_URL: 'http://127.0.0.1:9999/',
      ATLASSIAN_API_URL: 'https://api.example.test/gw',
    });
    expect(config.atlassian?.authUrl).toBe('http://127.0.0.1:9999');
    expect(config.atlassian?.apiUrl).toBe('https://api.example.test/gw');
    expect(config.atlassian?.clientSecret).toBeUndefined();
  });

  it('refuses plain http Atlassian endpoints off loopback', () => {
    expect(
      configError({
        JIRA_AUTH: 'atlassian-oauth',
        ATLASSIAN_CLIENT_ID: 'abc',
        ATLASSIAN_AUTH_URL: 'http://auth.example.test',
      }).message,
    ).toBe(
      'Invalid configuration:\n  ATLASSIAN_AUTH_URL: must be https (plain http only for a loopback address, for tests)',
    );
    expect(
      configError({
        JIRA_AUTH: 'atlassian-oauth',
        ATLASSIAN_CLIENT_ID: 'abc',
        ATLASSIAN_API_URL: 'http://10.0.0.1',
      }).message,
    ).toBe(
      'Invalid configuration:\n  ATLASSIAN_API_URL: must be https (plain http only for a loopback address, for tests)',
    );
  });

  it('requires ATLASSIAN_CLIENT_ID with atlassian-oauth and JIRA_BASE_URL', () => {
    expect(configError({ JIRA_AUTH: 'atlassian-oauth', JIRA_BASE_URL: SITE }).message).toBe(
      'Invalid configuration:\n  ATLASSIAN_CLIENT_ID: required with JIRA_AUTH=atlassian-oauth and JIRA_BASE_URL or another ATLASSIAN_ setting (the client id of your OAuth 2.0 integration in the Atlassian developer console)',
    );
    expect(
      configError({ JIRA_AUTH: 'atlassian-oauth', ATLASSIAN_CLIENT_SECRET: 'x' }).message,
    ).toMatch(/^Invalid configuration:\n {2}ATLASSIAN_CLIENT_ID: required/);
  });

  it('accepts atlassian-oauth with nothing else (the sandbox plays Atlassian)', () => {
    const config = loadConfig({ JIRA_AUTH: 'atlassian-oauth' });
    expect(config.jiraAuth).toBe('atlassian-oauth');
    expect(config.atlassian).toBeUndefined();
    expect(config.jira).toBeUndefined();
  });

  it('refuses ATLASSIAN_ settings in the other modes, naming them', () => {
    expect(
      configError({ ATLASSIAN_CLIENT_ID: 'abc', ATLASSIAN_API_URL: 'https://x.test' }).message,
    ).toBe(
      'Invalid configuration:\n  ATLASSIAN_CLIENT_ID, ATLASSIAN_API_URL: only used with JIRA_AUTH=atlassian-oauth',
    );
    expect(configError({ JIRA_AUTH: 'personal-token', ATLASSIAN_CLIENT_SECRET: 'x' }).message).toBe(
      'Invalid configuration:\n  ATLASSIAN_CLIENT_SECRET: only used with JIRA_AUTH=atlassian-oauth',
    );
  });

  it('refuses a shared credential in the per-person modes', () => {
    expect(
      configError({
        JIRA_AUTH: 'personal-token',
        JIRA_BASE_URL: SITE,
        JIRA_EMAIL: 'a@b.c',
        JIRA_API_TOKEN: 't',
      }).message,
    ).toBe(
      "Invalid configuration:\n  JIRA_EMAIL, JIRA_API_TOKEN: only used with JIRA_AUTH=service (with JIRA_AUTH=personal-token each person's own account acts)",
    );
  });

  it('refuses a plain http site off loopback in the per-person modes', () => {
    for (const mode of ['personal-token', 'atlassian-oauth']) {
      expect(
        configError({
          JIRA_AUTH: mode,
          JIRA_BASE_URL: 'http://jira.example.test',
          ...(mode === 'atlassian-oauth' ? { ATLASSIAN_CLIENT_ID: 'abc' } : {}),
        }).message,
      ).toBe(
        `Invalid configuration:\n  JIRA_BASE_URL: must be https with JIRA_AUTH=${mode} (plain http only for a loopback address, for tests)`,
      );
    }
    expect(
      loadConfig({ JIRA_AUTH: 'personal-token', JIRA_BASE_URL: 'http://127.0.0.1:9000' }).jira
        ?.baseUrl,
    ).toBe('http://127.0.0.1:9000');
  });

  it('accepts personal-token with or without a site', () => {
    expect(loadConfig({ JIRA_AUTH: 'personal-token' }).jira).toBeUndefined();
    expect(
      loadConfig({ JIRA_AUTH: 'personal-token', JIRA_BASE_URL: `${SITE}/` }).jira,
    ).toStrictEqual({
      baseUrl: SITE,
      email: '',
      apiToken: '',
    });
  });
});
