/**
 * The OIDC_* and LOCAL_LOGIN settings: what is required together, what is
 * refused, the defaults, and the redirect URI derived from PUBLIC_URL.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.js';
import { loadLambdaConfig } from '../../../src/entry/lambda-config.js';

const BASE = { PUBLIC_URL: 'https://jira-mcp.acme.example', DATA_DIR: '/tmp/jmg-settings' };
const OIDC = { OIDC_ISSUER: 'https://login.acme.example', OIDC_CLIENT_ID: 'jira-gateway' };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig({ ...BASE, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('OIDC settings (src/config/config.ts)', () => {
  it('defaults: local accounts only, and with OIDC_ISSUER the provider only', () => {
    expect(loadConfig(BASE)).toMatchObject({ localLogin: true });
    expect(loadConfig(BASE).oidc).toBeUndefined();
    expect(loadConfig({ ...BASE, ...OIDC })).toMatchObject({
      localLogin: false,
      oidc: {
        issuer: 'https://login.acme.example',
        clientId: 'jira-gateway',
        scopes: ['openid', 'email', 'profile'],
        providerName: 'login.acme.example',
        allowedEmailDomains: [],
        allowedGroups: [],
        redirectUri: 'https://jira-mcp.acme.example/login/oidc/callback',
      },
    });
  });

  it('parses every setting', () => {
    const config = loadConfig({
      ...BASE,
      ...OIDC,
      OIDC_CLIENT_SECRET: 's3cret',
      OIDC_SCOPES: 'openid  email groups',
      OIDC_PROVIDER_NAME: 'Acme SSO',
      OIDC_ALLOWED_EMAIL_DOMAINS: 'Acme.example, @corp.acme.example',
      OIDC_GROUPS_CLAIM: 'groups',
      OIDC_ALLOWED_GROUPS: 'Jira Users,admins',
      LOCAL_LOGIN: 'true',
    });
    expect(config.localLogin).toBe(true);
    expect(config.oidc).toMatchObject({
      clientSecret: 's3cret',
      scopes: ['openid', 'email', 'groups'],
      providerName: 'Acme SSO',
      allowedEmailDomains: ['acme.example', 'corp.acme.example'],
      groupsClaim: 'groups',
      allowedGroups: ['Jira Users', 'admins'],
    });
  });

  it.each([
    [
      { OIDC_ISSUER: 'http://login.acme.example', OIDC_CLIENT_ID: 'c' },
      'OIDC_ISSUER: must be https (plain http only for a loopback address, for tests)',
    ],
    [
      { OIDC_ISSUER: 'https://login.acme.example?x=1', OIDC_CLIENT_ID: 'c' },
      'OIDC_ISSUER: must have no query or fragment',
    ],
    [{ OIDC_ISSUER: 'https://login.acme.example' }, 'OIDC_CLIENT_ID: required with OIDC_ISSUER'],
    [{ OIDC_CLIENT_ID: 'c' }, 'OIDC_ISSUER: required when any other OIDC_ setting is set'],
    [
      { OIDC_ALLOWED_EMAIL_DOMAINS: 'acme.example' },
      'OIDC_ISSUER: required when any other OIDC_ setting is set',
    ],
    [{ ...OIDC, OIDC_SCOPES: 'email profile' }, 'OIDC_SCOPES: must include openid'],
    [
      { ...OIDC, OIDC_ALLOWED_GROUPS: 'admins' },
      'OIDC_GROUPS_CLAIM: required with OIDC_ALLOWED_GROUPS',
    ],
    [
      { LOCAL_LOGIN: 'false' },
      'LOCAL_LOGIN: false needs OIDC_ISSUER (otherwise nobody can sign in)',
    ],
    [{ ...OIDC, LOCAL_LOGIN: 'maybe' }, 'LOCAL_LOGIN:'],
  ])('refuses %j naming the setting', (env, message) => {
    expect(refusal(env)).toContain(message);
  });

  it('takes plain http only for a loopback issuer', () => {
    for (const issuer of ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000']) {
      expect(loadConfig({ ...BASE, ...OIDC, OIDC_ISSUER: issuer }).oidc?.issuer).toBe(issuer);
    }
  });

  it('refuses OIDC_CLIENT_SECRET on Lambda without echoing it', () => {
    try {
      loadLambdaConfig(
        {
          ...OIDC,
          PUBLIC_URL: BASE.PUBLIC_URL,
          STORAGE: 'dynamodb',
          DYNAMODB_TABLE: 'gateway',
          OIDC_CLIENT_SECRET: 'hunter2-secret',
        },
        'oauth',
      );
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('OIDC_CLIENT_SECRET: must not be set on Lambda');
      expect((error as Error).message).not.toContain('hunter2-secret');
    }
  });
});
