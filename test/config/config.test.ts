import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  flagToKey,
  loadConfig,
  SETTINGS_HELP,
  type Config,
} from '../../src/config/config.js';

const KEY_32 = randomBytes(32).toString('base64');
const INTROSPECTION = {
  INTROSPECTION_CLIENT_ID: 'rs_abc',
  INTROSPECTION_CLIENT_SECRET: 'shh-secret',
};

/** The ConfigError `loadConfig` throws for this input (fails the test if it does not throw). */
function configError(
  env: Record<string, string | undefined>,
  flags: Record<string, string> = {},
): ConfigError {
  try {
    loadConfig(env, flags);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig defaults', () => {
  it('gives a working local configuration with no settings at all', () => {
    const config = loadConfig({});
    const dataDir = path.resolve('./data');
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8080',
      resource: 'http://localhost:8080/mcp',
      dataDir,
      databasePath: path.join(dataDir, 'gateway.db'),
      masterKeyPath: path.join(dataDir, 'master.key'),
      logLevel: 'info',
      role: 'all',
      accessTokenTtlSeconds: 3600,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
      grantTtlSeconds: 90 * 24 * 3600,
      codeTtlSeconds: 60,
      refreshReuseIntervalSeconds: 60,
      trustProxyHops: 0,
      registrationRateLimitPerHour: 20,
      loginMaxFailures: 5,
      allowedOrigins: [],
      cimdAllowPrivateAddresses: false,
      sessionTtlSeconds: 3600,
      jiraProjects: [],
      readOnly: false,
      enabledTools: [],
      toolsets: ['core', 'agile', 'history', 'structure'],
      confirmByElicitation: true,
      jiraTimeoutMs: 15_000,
      jiraMaxRetries: 3,
      introspectionCacheSeconds: 15,
      storage: 'sqlite',
      sqliteSynchronous: 'full',
    } satisfies Partial<Config>);
    for (const absent of ['masterKey', 'jira', 'tls', 'introspection'] as const) {
      expect(config).not.toHaveProperty(absent);
    }
  });

  it('derives the default PUBLIC_URL from PORT, and https when TLS is on', () => {
    expect(loadConfig({ PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
    expect(loadConfig({ TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }).publicUrl).toBe(
      'https://localhost:8080',
    );
  });

  it('answers as the other loopback spellings only while PUBLIC_URL is unset and ROLE=all', () => {
    const config = loadConfig({ PORT: '9000' });
    expect(config.loopbackAliases).toEqual(['http://127.0.0.1:9000', 'http://[::1]:9000']);
    expect(Object.isFrozen(config.loopbackAliases)).toBe(true);
    expect(loadConfig({ PUBLIC_URL: '' }).loopbackAliases).toEqual([
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
    ]);
    expect(loadConfig({ TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }).loopbackAliases).toEqual([
      'https://127.0.0.1:8080',
      'https://[::1]:8080',
    ]);
    // A configured issuer is the only one, even when it is a loopback URL.
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:8080' })).not.toHaveProperty(
      'loopbackAliases',
    );
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:8080' })).not.toHaveProperty(
      'loopbackAliases',
    );
    // Split roles keep one issuer: an introspection answer carries one `iss`.
    expect(loadConfig({ ROLE: 'oauth' })).not.toHaveProperty('loopbackAliases');
    expect(loadConfig({ ROLE: 'mcp', ...INTROSPECTION })).not.toHaveProperty('loopbackAliases');
    // The OpenID provider knows one redirect URI, under one spelling.
    expect(
      loadConfig({ OIDC_ISSUER: 'https://idp.example.com', OIDC_CLIENT_ID: 'gateway' }),
    ).not.toHaveProperty('loopbackAliases');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', PUBLIC_URL: '' })).toMatchObject({
      port: 8080,
      logLevel: 'info',
      publicUrl: 'http://localhost:8080',
    });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('documents in SETTINGS_HELP exactly the settings it reads', () => {
    const read = new Set<string>();
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, key) {
          if (typeof key === 'string') read.add(key);
          return undefined;
        },
      },
    );
    loadConfig(env);
    expect(read.size).toBeGreaterThan(20);
    expect(SETTINGS_HELP.map(([name]) => name).sort()).toEqual([...read].sort());
  });
});

describe('PUBLIC_URL and the resource (RFC 8414 §2 issuer, RFC 8707 §2 resource)', () => {
  it.each([
    ['https://gw.example.com', 'https://gw.example.com'],
    ['https://gw.example.com/', 'https://gw.example.com'],
    ['https://gw.example.com/base/', 'https://gw.example.com/base'],
    ['https://gw.example.com/base//', 'https://gw.example.com/base'],
    ['http://127.0.0.1:8443', 'http://127.0.0.1:8443'],
  ])('strips the trailing slash of %s', (url, issuer) => {
    const config = loadConfig({ PUBLIC_URL: url });
    expect(config.publicUrl).toBe(issuer);
    expect(config.resource).toBe(`${issuer}/mcp`);
  });

  it.each([
    'https://gw.example.com/?x=1',
    'https://gw.example.com/#top',
    'ftp://gw.example.com',
    'gw.example.com',
  ])('refuses %s', (url) => {
    expect(configError({ PUBLIC_URL: url }).message).toMatch(
      /^Invalid configuration:\n {2}PUBLIC_URL: /,
    );
  });
});

describe('invalid settings', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', ' '],
    ['PORT', '1e3'],
    ['PORT', '0x50'],
    ['PORT', '80.5'],
    ['PUBLIC_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['ROLE', 'both'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['ACCESS_TOKEN_TTL', 'soon'],
    ['REFRESH_TOKEN_TTL', '-5'],
    ['GRANT_TTL', '1.5'],
    ['CODE_TTL', '61'],
    ['CODE_TTL', '0'],
    ['MASTER_KEY', Buffer.alloc(16).toString('base64')],
    ['TRUST_PROXY', 'maybe'],
    ['TRUST_PROXY', '-1'],
    ['TRUST_PROXY', '11'],
    ['TRUST_PROXY', '1.5'],
    ['REFRESH_REUSE_INTERVAL', '-1'],
    ['REFRESH_REUSE_INTERVAL', '301'],
    ['REFRESH_REUSE_INTERVAL', 'soon'],
    ['REGISTRATION_RATE_LIMIT', '0'],
    ['LOGIN_MAX_FAILURES', 'many'],
    ['CIMD_ALLOW_PRIVATE_ADDRESSES', 'sure'],
    ['SESSION_TTL', '0'],
    ['JIRA_BASE_URL', 'acme.atlassian.net'],
    ['READ_ONLY', 'y'],
    ['JIRA_TIMEOUT_MS', '0'],
    ['JIRA_MAX_RETRIES', '11'],
    ['OAUTH_INTERNAL_URL', 'oauth:8080'],
    ['INTROSPECTION_CACHE_SECONDS', '31'],
    ['SQLITE_SYNCHRONOUS', 'off'],
  ])('names %s when it is %j', (name, value) => {
    const { message } = configError({ [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration:\\n {2}${name}: \\S`));
    // One problem, one line.
    expect(message.split('\n')).toHaveLength(2);
  });

  it('names every bad setting at once', () => {
    const { message } = configError({ PORT: 'abc', LOG_LEVEL: 'loud', CODE_TTL: '120' });
    expect(message).toBe(
      [
        'Invalid configuration:',
        '  PORT: must be a whole number',
        '  LOG_LEVEL: Invalid option: expected one of "debug"|"info"|"warn"|"error"|"silent"',
        '  CODE_TTL: must be at most 60 seconds',
      ].join('\n'),
    );
  });

  it('never repeats a bad value in the message', () => {
    const key = Buffer.alloc(20, 9).toString('base64');
    expect(configError({ MASTER_KEY: key }).message).not.toContain(key);
    expect(configError({ PUBLIC_URL: 'https://x.test/?token=abc123' }).message).not.toContain(
      'abc123',
    );
  });

  it('accepts whole numbers with surrounding blanks', () => {
    expect(loadConfig({ PORT: ' 9000 ', JIRA_MAX_RETRIES: '0' })).toMatchObject({
      port: 9000,
      jiraMaxRetries: 0,
    });
  });
});

describe('CODE_TTL (draft-ietf-oauth-v2-1-13 §4.1.2: short-lived codes)', () => {
  it('refuses more than 60 seconds', () => {
    expect(configError({ CODE_TTL: '61' }).message).toBe(
      'Invalid configuration:\n  CODE_TTL: must be at most 60 seconds',
    );
  });

  it.each([
    ['1', 1],
    ['30', 30],
    ['60', 60],
  ])('accepts %s', (value, seconds) => {
    expect(loadConfig({ CODE_TTL: value }).codeTtlSeconds).toBe(seconds);
  });
});

describe('ROLE=mcp (RFC 7662 §2.1: the resource server authenticates to /introspect)', () => {
  it('is refused without introspection credentials', () => {
    expect(configError({ ROLE: 'mcp' }).message).toBe(
      'Invalid configuration:\n  INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET: required with ROLE=mcp unless STORAGE=dynamodb or postgres (create them with `client add-resource-server`)',
    );
  });

  it.each(['INTROSPECTION_CLIENT_ID', 'INTROSPECTION_CLIENT_SECRET'] as const)(
    'is refused with only %s missing',
    (missing) => {
      const env = Object.fromEntries(
        Object.entries({ ROLE: 'mcp', ...INTROSPECTION }).filter(([name]) => name !== missing),
      );
      expect(configError(env).message).toContain('required with ROLE=mcp');
    },
  );

  it('introspects at PUBLIC_URL by default, or at OAUTH_INTERNAL_URL', () => {
    expect(
      loadConfig({ ROLE: 'mcp', PUBLIC_URL: 'https://gw.test/', ...INTROSPECTION }).introspection,
    ).toEqual({
      endpoint: 'https://gw.test/introspect',
      clientId: 'rs_abc',
      clientSecret: 'shh-secret',
    });
    const internal = loadConfig({
      ROLE: 'mcp',
      OAUTH_INTERNAL_URL: 'http://oauth:8080/',
      ...INTROSPECTION,
    });
    expect(internal.introspection?.endpoint).toBe('http://oauth:8080/introspect');
  });

  it('never repeats the introspection secret in an error', () => {
    const { message } = configError({ ROLE: 'mcp', PORT: 'x', ...INTROSPECTION });
    expect(message).not.toContain(INTROSPECTION.INTROSPECTION_CLIENT_SECRET);
  });
});

describe('TLS_CERT and TLS_KEY', () => {
  it.each([[{ TLS_CERT: 'cert.pem' }], [{ TLS_KEY: 'key.pem' }]])(
    'refuses one without the other: %j',
    (env) => {
      expect(configError(env).message).toBe(
        'Invalid configuration:\n  TLS_CERT, TLS_KEY: set both or neither',
      );
    },
  );

  it('takes both', () => {
    expect(loadConfig({ TLS_CERT: 'cert.pem', TLS_KEY: 'key.pem' }).tls).toEqual({
      certPath: 'cert.pem',
      keyPath: 'key.pem',
    });
  });
});

describe('MASTER_KEY (32 bytes for AES-256)', () => {
  it.each([
    ['16 bytes', Buffer.alloc(16, 1).toString('base64')],
    ['31 bytes', Buffer.alloc(31, 1).toString('base64')],
    ['33 bytes', Buffer.alloc(33, 1).toString('base64')],
    ['hex of 32 bytes', randomBytes(32).toString('hex')],
  ])('refuses %s', (_what, key) => {
    expect(configError({ MASTER_KEY: key }).message).toBe(
      'Invalid configuration:\n  MASTER_KEY: must be 32 bytes, base64-encoded',
    );
  });

  it('takes 32 base64 bytes', () => {
    expect(loadConfig({ MASTER_KEY: KEY_32 }).masterKey).toEqual(Buffer.from(KEY_32, 'base64'));
  });
});

describe('Jira settings', () => {
  it('refuses JIRA_EMAIL or JIRA_API_TOKEN without JIRA_BASE_URL', () => {
    for (const env of [{ JIRA_EMAIL: 'a@b.test' }, { JIRA_API_TOKEN: 'tok-123' }]) {
      expect(configError(env).message).toBe(
        'Invalid configuration:\n  JIRA_BASE_URL: required when JIRA_EMAIL or JIRA_API_TOKEN is set',
      );
    }
  });

  it('strips the base URL’s trailing slash and upper-cases project keys', () => {
    const config = loadConfig({
      JIRA_BASE_URL: 'https://acme.atlassian.net/',
      JIRA_EMAIL: 'ops@acme.test',
      JIRA_API_TOKEN: 'tok-123',
      JIRA_PROJECTS: 'demo, ops ,,',
      ENABLED_TOOLS: ' jira_search_issues ,jira_get_issue',
      READ_ONLY: 'yes',
    });
    expect(config.jira).toEqual({
      baseUrl: 'https://acme.atlassian.net',
      email: 'ops@acme.test',
      apiToken: 'tok-123',
    });
    expect(config.jiraProjects).toEqual(['DEMO', 'OPS']);
    expect(config.enabledTools).toEqual(['jira_search_issues', 'jira_get_issue']);
    expect(config.readOnly).toBe(true);
  });
});

describe('flags over environment', () => {
  it('lets a flag override the variable of the same name', () => {
    const config = loadConfig(
      { PORT: '9000', PUBLIC_URL: 'https://env.test', LOG_LEVEL: 'debug' },
      { PORT: '9100', PUBLIC_URL: 'https://flag.test/' },
    );
    expect(config).toMatchObject({ port: 9100, publicUrl: 'https://flag.test', logLevel: 'debug' });
  });

  it('falls back to the environment for a flag that is absent', () => {
    expect(loadConfig({ PORT: '9000' }, { PORT: undefined }).port).toBe(9000);
  });

  it('names a bad flag by its setting', () => {
    expect(configError({ PORT: '9000' }, { PORT: 'abc' }).message).toBe(
      'Invalid configuration:\n  PORT: must be a whole number',
    );
  });

  it('maps flag names to setting names', () => {
    expect(flagToKey('--public-url')).toBe('PUBLIC_URL');
    expect(flagToKey('data-dir')).toBe('DATA_DIR');
    expect(flagToKey('port')).toBe('PORT');
  });
});

describe('TRUST_PROXY (how many proxies append to X-Forwarded-For)', () => {
  it.each([
    ['false', 0],
    ['no', 0],
    ['0', 0],
    ['true', 1],
    ['yes', 1],
    ['1', 1],
    ['2', 2],
    [' 3 ', 3],
  ])('reads %j as %i trusted proxies', (value, hops) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxyHops).toBe(hops);
  });
});

describe('REFRESH_REUSE_INTERVAL (RFC 9700 §4.14.2: a short leeway for parallel refreshes)', () => {
  it('defaults to 60 seconds, takes 0 (strict rotation) and at most 300', () => {
    expect(loadConfig({}).refreshReuseIntervalSeconds).toBe(60);
    expect(loadConfig({ REFRESH_REUSE_INTERVAL: '0' }).refreshReuseIntervalSeconds).toBe(0);
    expect(loadConfig({ REFRESH_REUSE_INTERVAL: '300' }).refreshReuseIntervalSeconds).toBe(300);
  });
});
