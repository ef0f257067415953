/**
 * The one place that reads configuration. Environment variables and CLI
 * flags are merged (flags win), parsed with zod, and frozen. Nothing else
 * in the project reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Decimal digits only. `z.coerce.number()` read ' ' as 0 (PORT=' ' bound a
 * random port) and took '1e3' or '0x50'; a typo must be refused instead.
 * Fifteen digits keep every value an exact (safe) integer.
 */
function wholeNumber(bounds: z.ZodNumber = z.number()) {
  return z
    .string()
    .trim()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(bounds);
}

const positiveSeconds = (max?: number) =>
  wholeNumber(
    max === undefined
      ? z.number().positive()
      : z.number().positive().max(max, `must be at most ${max} seconds`),
  );

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.replace(/\/+$/, '') : url;
}

/** Every setting: name (as an environment variable), meaning, default. */
const RAW_SCHEMA = z.object({
  PORT: wholeNumber(z.number().max(65535)).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.includes('?') && !u.includes('#'), 'must have no query or fragment')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ROLE: z.enum(['all', 'oauth', 'mcp']).default('all'),
  ACCESS_TOKEN_TTL: positiveSeconds().default(3600),
  REFRESH_TOKEN_TTL: positiveSeconds().default(30 * 24 * 3600),
  GRANT_TTL: positiveSeconds().default(90 * 24 * 3600),
  CODE_TTL: positiveSeconds(60).default(60),
  MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  TRUST_PROXY: boolean.default(false),
  REGISTRATION_RATE_LIMIT: wholeNumber(z.number().positive()).default(20),
  LOGIN_MAX_FAILURES: wholeNumber(z.number().positive()).default(5),
  ALLOWED_ORIGINS: list.default([]),
  CIMD_ALLOW_PRIVATE_ADDRESSES: boolean.default(false),
  SESSION_TTL: positiveSeconds().default(3600),
  JIRA_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  JIRA_EMAIL: z.string().min(1).optional(),
  JIRA_API_TOKEN: z.string().min(1).optional(),
  JIRA_PROJECTS: list.default([]),
  READ_ONLY: boolean.default(false),
  ENABLED_TOOLS: list.default([]),
  JIRA_TIMEOUT_MS: wholeNumber(z.number().positive()).default(15_000),
  JIRA_MAX_RETRIES: wholeNumber(z.number().max(10)).default(3),
  OAUTH_INTERNAL_URL: z.url({ protocol: /^https?$/ }).optional(),
  INTROSPECTION_CLIENT_ID: z.string().min(1).optional(),
  INTROSPECTION_CLIENT_SECRET: z.string().min(1).optional(),
  INTROSPECTION_CACHE_SECONDS: wholeNumber(
    z.number().max(30, 'must be at most 30 seconds'),
  ).default(15),
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  STORAGE: z.enum(['sqlite', 'dynamodb']).default('sqlite'),
  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
  DYNAMODB_TABLE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name')
    .optional(),
  DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  AWS_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,32}$/, 'must be a region name such as eu-west-1')
    .optional(),
  // A key ARN, not an alias: the Encryption SDK decrypts only data keys whose
  // recorded ARN equals the configured one (see src/crypto/kms-cipher.ts).
  KMS_KEY_ID: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
      'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias',
    )
    .optional(),
});

export type RawConfig = z.input<typeof RAW_SCHEMA>;

export interface Config {
  port: number;
  host: string;
  /** The issuer: scheme, host, optional port and path, no trailing slash. */
  publicUrl: string;
  /** The protected resource: `publicUrl + '/mcp'`. */
  resource: string;
  dataDir: string;
  databasePath: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  role: 'all' | 'oauth' | 'mcp';
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  grantTtlSeconds: number;
  codeTtlSeconds: number;
  /** 32-byte master key from the environment; absent means the key file. */
  masterKey?: Buffer;
  masterKeyPath: string;
  trustProxy: boolean;
  registrationRateLimitPerHour: number;
  loginMaxFailures: number;
  allowedOrigins: string[];
  /** Testing only: lets metadata documents be fetched from loopback/private hosts. */
  cimdAllowPrivateAddresses: boolean;
  sessionTtlSeconds: number;
  jira?: { baseUrl: string; email: string; apiToken: string };
  jiraProjects: string[];
  readOnly: boolean;
  enabledTools: string[];
  jiraTimeoutMs: number;
  jiraMaxRetries: number;
  tls?: { certPath: string; keyPath: string };
  /** How the MCP role checks tokens when it runs apart from the authorization server. */
  introspection?: { endpoint: string; clientId: string; clientSecret: string };
  introspectionCacheSeconds: number;
  /** Where records live: the SQLite file at `databasePath`, or one DynamoDB table. */
  storage: 'sqlite' | 'dynamodb';
  /**
   * SQLite's `synchronous` level: `full` syncs the WAL at every commit (an
   * acknowledged write survives power loss); `normal` survives a crash of
   * the process but may lose the last commits to power loss.
   */
  sqliteSynchronous: 'full' | 'normal';
  /** Set exactly when `storage` is `dynamodb`; `endpoint` is for a local DynamoDB. */
  dynamoDb?: { tableName: string; endpoint?: string };
  /** Region of the DynamoDB client; absent lets the SDK's own chain decide. */
  awsRegion?: string;
  /** KMS key ARN; when set, the Jira credential is encrypted under it, not the local master key. */
  kmsKeyId?: string;
}

/** Thrown when a setting is invalid; its message names the setting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const KEYS = Object.keys(RAW_SCHEMA.shape) as (keyof typeof RAW_SCHEMA.shape)[];

/** `--public-url` ↔ `PUBLIC_URL`. */
export function flagToKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/**
 * Builds the configuration from environment variables and flags
 * (`{ PORT: '9000' }` style keys; use {@link flagToKey} for `--port`).
 * Throws {@link ConfigError} naming every bad setting.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, string | undefined>> = {},
): Config {
  const merged: Record<string, string> = {};
  for (const key of KEYS) {
    const value = flags[key] ?? env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = RAW_SCHEMA.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const raw = parsed.data;

  const jiraParts = [raw.JIRA_BASE_URL, raw.JIRA_EMAIL, raw.JIRA_API_TOKEN];
  const jiraSet = jiraParts.filter((v) => v !== undefined).length;
  if (jiraSet !== 0 && raw.JIRA_BASE_URL === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  JIRA_BASE_URL: required when JIRA_EMAIL or JIRA_API_TOKEN is set',
    );
  }
  // A shared DynamoDB table lets the MCP role check tokens in-process (the
  // AWS deployment does), so introspection credentials are optional there.
  if (
    raw.ROLE === 'mcp' &&
    raw.STORAGE !== 'dynamodb' &&
    (raw.INTROSPECTION_CLIENT_ID === undefined || raw.INTROSPECTION_CLIENT_SECRET === undefined)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET: required with ROLE=mcp unless STORAGE=dynamodb (create them with `client add-resource-server`)',
    );
  }
  if (raw.STORAGE === 'dynamodb' && raw.DYNAMODB_TABLE === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  DYNAMODB_TABLE: required with STORAGE=dynamodb',
    );
  }
  // Refused rather than ignored: the operator meant DynamoDB, and records
  // written to a SQLite file instead would be lost to the other role.
  if (
    raw.STORAGE === 'sqlite' &&
    (raw.DYNAMODB_TABLE !== undefined || raw.DYNAMODB_ENDPOINT !== undefined)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  DYNAMODB_TABLE, DYNAMODB_ENDPOINT: only used with STORAGE=dynamodb',
    );
  }
  if ((raw.TLS_CERT === undefined) !== (raw.TLS_KEY === undefined)) {
    throw new ConfigError('Invalid configuration:\n  TLS_CERT, TLS_KEY: set both or neither');
  }

  const scheme = raw.TLS_CERT === undefined ? 'http' : 'https';
  const publicUrl = withoutTrailingSlash(raw.PUBLIC_URL ?? `${scheme}://localhost:${raw.PORT}`);
  const dataDir = path.resolve(raw.DATA_DIR);

  const config: Config = {
    port: raw.PORT,
    host: raw.HOST,
    publicUrl,
    resource: `${publicUrl}/mcp`,
    dataDir,
    databasePath: path.join(dataDir, 'gateway.db'),
    logLevel: raw.LOG_LEVEL,
    role: raw.ROLE,
    accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL,
    grantTtlSeconds: raw.GRANT_TTL,
    codeTtlSeconds: raw.CODE_TTL,
    masterKeyPath: path.join(dataDir, 'master.key'),
    trustProxy: raw.TRUST_PROXY,
    registrationRateLimitPerHour: raw.REGISTRATION_RATE_LIMIT,
    loginMaxFailures: raw.LOGIN_MAX_FAILURES,
    allowedOrigins: raw.ALLOWED_ORIGINS,
    cimdAllowPrivateAddresses: raw.CIMD_ALLOW_PRIVATE_ADDRESSES,
    sessionTtlSeconds: raw.SESSION_TTL,
    jiraProjects: raw.JIRA_PROJECTS.map((p) => p.toUpperCase()),
    readOnly: raw.READ_ONLY,
    enabledTools: raw.ENABLED_TOOLS,
    jiraTimeoutMs: raw.JIRA_TIMEOUT_MS,
    jiraMaxRetries: raw.JIRA_MAX_RETRIES,
    introspectionCacheSeconds: raw.INTROSPECTION_CACHE_SECONDS,
    storage: raw.STORAGE,
    sqliteSynchronous: raw.SQLITE_SYNCHRONOUS,
  };
  if (raw.DYNAMODB_TABLE !== undefined) {
    config.dynamoDb = {
      tableName: raw.DYNAMODB_TABLE,
      ...(raw.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: raw.DYNAMODB_ENDPOINT }),
    };
  }
  if (raw.AWS_REGION !== undefined) config.awsRegion = raw.AWS_REGION;
  if (raw.KMS_KEY_ID !== undefined) config.kmsKeyId = raw.KMS_KEY_ID;
  if (raw.INTROSPECTION_CLIENT_ID !== undefined && raw.INTROSPECTION_CLIENT_SECRET !== undefined) {
    config.introspection = {
      endpoint: `${withoutTrailingSlash(raw.OAUTH_INTERNAL_URL ?? publicUrl)}/introspect`,
      clientId: raw.INTROSPECTION_CLIENT_ID,
      clientSecret: raw.INTROSPECTION_CLIENT_SECRET,
    };
  }
  if (raw.MASTER_KEY !== undefined) config.masterKey = Buffer.from(raw.MASTER_KEY, 'base64');
  if (raw.JIRA_BASE_URL !== undefined) {
    config.jira = {
      baseUrl: withoutTrailingSlash(raw.JIRA_BASE_URL),
      email: raw.JIRA_EMAIL ?? '',
      apiToken: raw.JIRA_API_TOKEN ?? '',
    };
  }
  if (raw.TLS_CERT !== undefined && raw.TLS_KEY !== undefined) {
    config.tls = { certPath: raw.TLS_CERT, keyPath: raw.TLS_KEY };
  }
  return Object.freeze(config);
}

/** The settings table for `--help` and the README. */
export const SETTINGS_HELP: readonly [string, string, string][] = [
  ['PORT', 'TCP port to listen on', '8080'],
  ['HOST', 'interface to bind', '127.0.0.1'],
  ['PUBLIC_URL', 'issuer and public origin, no trailing slash', 'http://localhost:$PORT'],
  ['DATA_DIR', 'SQLite database and local master key', './data'],
  ['LOG_LEVEL', 'debug | info | warn | error | silent', 'info'],
  ['ROLE', 'all | oauth | mcp: which parts this process serves', 'all'],
  ['ACCESS_TOKEN_TTL', 'access token lifetime, seconds', '3600'],
  ['REFRESH_TOKEN_TTL', 'refresh token lifetime, seconds', '2592000'],
  ['GRANT_TTL', 'absolute lifetime of a grant (all its tokens), seconds', '7776000'],
  ['CODE_TTL', 'authorization code lifetime, seconds (max 60)', '60'],
  ['MASTER_KEY', '32-byte base64 key for envelope encryption', 'key file in DATA_DIR'],
  ['SESSION_TTL', 'sign-in session lifetime at the authorization pages, seconds', '3600'],
  [
    'CIMD_ALLOW_PRIVATE_ADDRESSES',
    'testing only: fetch client metadata documents from private hosts',
    'false',
  ],
  ['TRUST_PROXY', 'take the client IP from X-Forwarded-For', 'false'],
  ['REGISTRATION_RATE_LIMIT', 'client registrations per IP per hour', '20'],
  ['LOGIN_MAX_FAILURES', 'failed logins per user and IP per 15 min before throttling', '5'],
  ['ALLOWED_ORIGINS', 'extra browser origins allowed to call /mcp (comma-separated)', '(none)'],
  ['JIRA_BASE_URL', 'Jira Cloud site, e.g. https://acme.atlassian.net', 'built-in sandbox'],
  ['JIRA_EMAIL', 'Jira account email for Basic auth', ''],
  ['JIRA_API_TOKEN', 'Jira API token (stored encrypted; prefer `jira set-credentials`)', ''],
  ['JIRA_PROJECTS', 'project keys the tools may touch (comma-separated)', '(all)'],
  ['READ_ONLY', 'hide every write tool', 'false'],
  ['ENABLED_TOOLS', 'only these tools (comma-separated)', '(all)'],
  ['JIRA_TIMEOUT_MS', 'timeout of one Jira request', '15000'],
  ['JIRA_MAX_RETRIES', 'retries on Jira 429/503', '3'],
  ['OAUTH_INTERNAL_URL', 'ROLE=mcp: where the OAuth role answers /introspect', 'PUBLIC_URL'],
  [
    'INTROSPECTION_CLIENT_ID',
    'ROLE=mcp: resource-server credential id (not with STORAGE=dynamodb)',
    '',
  ],
  ['INTROSPECTION_CLIENT_SECRET', 'ROLE=mcp: resource-server credential secret', ''],
  ['INTROSPECTION_CACHE_SECONDS', 'ROLE=mcp: reuse a positive introspection answer (max 30)', '15'],
  ['TLS_CERT', 'PEM certificate file: serve HTTPS directly', ''],
  ['TLS_KEY', 'PEM private key file for TLS_CERT', ''],
  ['STORAGE', 'sqlite (file in DATA_DIR) | dynamodb (one table, DYNAMODB_TABLE)', 'sqlite'],
  [
    'SQLITE_SYNCHRONOUS',
    'STORAGE=sqlite: full (each commit synced to disk) | normal (may lose the last commits on power loss)',
    'full',
  ],
  ['DYNAMODB_TABLE', 'STORAGE=dynamodb: the table name', ''],
  ['DYNAMODB_ENDPOINT', 'STORAGE=dynamodb: another endpoint, e.g. a local DynamoDB', 'AWS'],
  ['AWS_REGION', 'region of the DynamoDB client (KMS: the key ARN names it)', 'SDK default chain'],
  ['KMS_KEY_ID', 'KMS key ARN: encrypt the Jira credential with KMS', 'local master key'],
];
