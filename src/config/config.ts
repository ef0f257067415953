/**
 * The one place that reads configuration. Environment variables and CLI
 * flags are merged (flags win), parsed with zod, and frozen. Nothing else
 * in the project reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ToolsetName } from './toolsets.js';
import { resolveToolSelection } from './tool-selection.js';

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * Decimal digits only. `z.coerce.number()` read ' ' as 0 (PORT=' ' bound a
 * random port) and took '1e3' or '0x50'; a typo must be refused instead.
 * Fifteen digits keep every value an exact (safe) integer.
 */
/**
 * The `sslmode` values `pg` understands. Note that `pg` verifies the server
 * certificate for `prefer`, `require` and `verify-ca` too (as `verify-full`);
 * only `no-verify` encrypts without verifying.
 * @see https://node-postgres.com/features/ssl
 */
const POSTGRES_SSL_MODES = [
  'disable',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
  'no-verify',
];
const POSTGRES_SSL_MODES_TEXT = POSTGRES_SSL_MODES.join(', ');

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

/** True for `http(s)://` URLs whose host is a loopback address (or `localhost`). */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * TRUST_PROXY: how many proxies append to X-Forwarded-For. `true`/`yes`/`1`
 * keep their old meaning, one proxy; `false`/`no`/`0` ignore the header.
 */
const trustProxy = z
  .string()
  .trim()
  .regex(/^(true|false|yes|no|\d{1,2})$/, 'must be true, false or a number of proxies (0-10)')
  .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)))
  .pipe(z.number().max(10, 'must be at most 10 proxies'));

/** An origin (optionally with a path) that is https, or plain http on a loopback address (tests). */
const httpsOrLoopbackUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => !u.includes('?') && !u.includes('#'), 'must have no query or fragment')
  .refine(
    (u) => !URL.canParse(u) || new URL(u).protocol === 'https:' || isLoopbackUrl(u),
    'must be https (plain http only for a loopback address, for tests)',
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
  // Bearer tokens travel to this URL on every call.
  MCP_PUBLIC_URL: httpsOrLoopbackUrl.optional(),
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
  TRUST_PROXY: trustProxy.default(0),
  REFRESH_REUSE_INTERVAL: wholeNumber(z.number().max(300, 'must be at most 300 seconds')).default(
    60,
  ),
  REGISTRATION_RATE_LIMIT: wholeNumber(z.number().positive()).default(20),
  LOGIN_MAX_FAILURES: wholeNumber(z.number().positive()).default(5),
  ALLOWED_ORIGINS: list.default([]),
  CIMD_ALLOW_PRIVATE_ADDRESSES: boolean.default(false),
  CLIENT_METADATA_DOCUMENTS: boolean.default(true),
  CIMD_FETCH_RATE_LIMIT: wholeNumber(z.number().positive()).default(20),
  SESSION_TTL: positiveSeconds().default(3600),
  // 0 turns each off: no purge in the server, unused clients kept, audit kept forever.
  PURGE_INTERVAL_SECONDS: wholeNumber().default(3600),
  UNUSED_CLIENT_TTL: wholeNumber().default(7 * 24 * 3600),
  AUDIT_RETENTION_DAYS: wholeNumber(z.number().max(36_500)).default(365),
  PERSONAL_ACCESS_TOKENS: boolean.default(false),
  PERSONAL_ACCESS_TOKEN_MAX_DAYS: wholeNumber(
    z.number().positive().max(366, 'must be at most 366 days'),
  ).default(90),
  OIDC_ISSUER: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.includes('?') && !u.includes('#'), 'must have no query or fragment')
    .refine(
      (u) => !URL.canParse(u) || new URL(u).protocol === 'https:' || isLoopbackUrl(u),
      'must be https (plain http only for a loopback address, for tests)',
    )
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(512).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(4096).optional(),
  OIDC_SCOPES: z
    .string()
    .transform((v) => v.split(/\s+/).filter((s) => s !== ''))
    .refine((scopes) => scopes.includes('openid'), 'must include openid')
    .optional(),
  OIDC_PROVIDER_NAME: z.string().trim().min(1).max(64).optional(),
  OIDC_ALLOWED_EMAIL_DOMAINS: list
    .transform((domains) => domains.map((d) => d.toLowerCase().replace(/^@/, '')))
    .default([]),
  OIDC_GROUPS_CLAIM: z.string().min(1).max(256).optional(),
  OIDC_ALLOWED_GROUPS: list.default([]),
  LOCAL_LOGIN: boolean.optional(),
  JIRA_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  JIRA_AUTH: z.enum(['service', 'atlassian-oauth', 'personal-token']).default('service'),
  ATLASSIAN_CLIENT_ID: z.string().trim().min(1).max(512).optional(),
  ATLASSIAN_CLIENT_SECRET: z.string().min(1).max(4096).optional(),
  ATLASSIAN_AUTH_URL: httpsOrLoopbackUrl.optional(),
  ATLASSIAN_API_URL: httpsOrLoopbackUrl.optional(),
  JIRA_EMAIL: z.string().min(1).optional(),
  JIRA_API_TOKEN: z.string().min(1).optional(),
  JIRA_PROJECTS: list.default([]),
  READ_ONLY: boolean.default(false),
  ENABLED_TOOLS: list.default([]),
  ATTACHMENT_MAX_BYTES: wholeNumber(
    z
      .number()
      .positive()
      .max(100 * 1024 * 1024, 'must be at most 100 MiB'),
  ).default(5 * 1024 * 1024),
  TOOLSETS: list.optional(),
  CONFIRM_BY_ELICITATION: boolean.default(true),
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
  METRICS: boolean.default(false),
  // A scrape secret, compared in constant time; short ones are guessable.
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, 'must be 16 to 512 visible ASCII characters (no spaces)')
    .optional(),
  SHUTDOWN_TIMEOUT_SECONDS: wholeNumber(
    z.number().max(3600, 'must be at most 3600 seconds'),
  ).default(10),
  STORAGE: z.enum(['sqlite', 'dynamodb', 'postgres']).default('sqlite'),
  // TLS settings travel in the URL, as `pg` reads them (sslmode, sslrootcert,
  // sslcert, sslkey): one place for the operator to look, as with libpq.
  DATABASE_URL: z
    .string()
    .refine(
      (u) => URL.canParse(u) && ['postgres:', 'postgresql:'].includes(new URL(u).protocol),
      'must be a postgres:// or postgresql:// URL',
    )
    .refine(
      (u) =>
        !URL.canParse(u) ||
        [null, ...POSTGRES_SSL_MODES].includes(new URL(u).searchParams.get('sslmode')),
      `sslmode must be one of ${POSTGRES_SSL_MODES_TEXT}`,
    )
    .optional(),
  DATABASE_POOL_SIZE: wholeNumber(
    z.number().positive().max(1000, 'must be at most 1000'),
  ).optional(),
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
  /**
   * Where the MCP server is reached: `MCP_PUBLIC_URL`, else `publicUrl`
   * (one origin for both). No trailing slash.
   */
  mcpPublicUrl: string;
  /** The protected resource: `mcpPublicUrl + '/mcp'`. */
  resource: string;
  /**
   * Set only when PUBLIC_URL and OIDC_ISSUER are unset and ROLE=all: the
   * default issuer under the other loopback spellings of this machine
   * (`http://127.0.0.1:PORT`, `http://[::1]:PORT`). `serve` answers a request whose Host is exactly one
   * of them as that issuer (its own metadata, resource and tokens), because
   * clients compare the resource with the URL they were given.
   */
  loopbackAliases?: readonly string[];
  dataDir: string;
  databasePath: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  role: 'all' | 'oauth' | 'mcp';
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Seconds a rotated refresh token may be presented again by a parallel refresh; 0: strict. */
  refreshReuseIntervalSeconds: number;
  grantTtlSeconds: number;
  codeTtlSeconds: number;
  /** 32-byte master key from the environment; absent means the key file. */
  masterKey?: Buffer;
  masterKeyPath: string;
  /**
   * How many proxies in front of the gateway append to `X-Forwarded-For`
   * (TRUST_PROXY): 0 ignores the header; n takes the n-th entry from the right.
   */
  trustProxyHops: number;
  registrationRateLimitPerHour: number;
  loginMaxFailures: number;
  allowedOrigins: string[];
  /** Testing only: lets metadata documents be fetched from loopback/private hosts. */
  cimdAllowPrivateAddresses: boolean;
  /** Whether https client ids are fetched as Client ID Metadata Documents (and advertised). */
  clientMetadataDocuments: boolean;
  /** Outbound metadata-document fetches one IP address may cause per hour. */
  cimdFetchRateLimitPerHour: number;
  sessionTtlSeconds: number;
  /** How often `serve` purges expired records (0: never; the `purge` command still does). */
  purgeIntervalSeconds: number;
  /** Registered clients that never got a grant are deleted this long after creation (0: kept). */
  unusedClientTtlSeconds: number;
  /** Audit events are kept this many days (0: forever). */
  auditRetentionDays: number;
  /**
   * PERSONAL_ACCESS_TOKENS and PERSONAL_ACCESS_TOKEN_MAX_DAYS: whether people
   * may make personal access tokens on `/account` (and whether existing ones
   * are accepted), and the longest expiry they may choose.
   */
  personalAccessTokens: { enabled: boolean; maxDays: number };
  /** Whether `/authorize` offers the username and password form (LOCAL_LOGIN). */
  localLogin: boolean;
  /** The organisation's OpenID provider people sign in at, when configured. */
  oidc?: OidcSettings;
  jira?: { baseUrl: string; email: string; apiToken: string };
  /**
   * Whose Jira account a tool call uses (JIRA_AUTH): the shared credential,
   * the person's Atlassian account (3LO), or the person's own API token.
   */
  jiraAuth: 'service' | 'atlassian-oauth' | 'personal-token';
  /**
   * atlassian-oauth with JIRA_BASE_URL: the gateway's OAuth 2.0 (3LO) app at
   * Atlassian. Absent in zero-config (no JIRA_BASE_URL): the sandbox plays Atlassian.
   */
  atlassian?: AtlassianSettings;
  jiraProjects: string[];
  readOnly: boolean;
  /**
   * ENABLED_TOOLS: when non-empty, exactly the tools offered (before
   * READ_ONLY), in place of `toolsets`.
   */
  enabledTools: string[];
  /** TOOLSETS resolved (`all` expanded); DEFAULT_TOOLSETS when unset. */
  toolsets: ToolsetName[];
  /** ATTACHMENT_MAX_BYTES: the most jira_get_attachment reads inline and jira_add_attachment sends. */
  attachmentMaxBytes: number;
  /**
   * CONFIRM_BY_ELICITATION: destructive calls ask the person through a form
   * elicitation when the client declared it (else they need `confirm: true`).
   * Always false on Lambda, whose responses are buffered.
   */
  confirmByElicitation: boolean;
  jiraTimeoutMs: number;
  jiraMaxRetries: number;
  tls?: { certPath: string; keyPath: string };
  /**
   * METRICS and METRICS_TOKEN: serve Prometheus metrics at `/metrics`, and
   * the Bearer secret a scrape must present (absent: none needed). The
   * token is a secret: never log or print it.
   */
  metrics: { enabled: boolean; token?: string };
  /**
   * SHUTDOWN_TIMEOUT_SECONDS: on SIGTERM/SIGINT, how long in-flight requests
   * may run on before their connections are cut (0: cut at once).
   */
  shutdownTimeoutSeconds: number;
  /** How the MCP role checks tokens when it runs apart from the authorization server. */
  introspection?: { endpoint: string; clientId: string; clientSecret: string };
  introspectionCacheSeconds: number;
  /** Where records live: the SQLite file at `databasePath`, one DynamoDB table, or PostgreSQL. */
  storage: 'sqlite' | 'dynamodb' | 'postgres';
  /**
   * SQLite's `synchronous` level: `full` syncs the WAL at every commit (an
   * acknowledged write survives power loss); `normal` survives a crash of
   * the process but may lose the last commits to power loss.
   */
  sqliteSynchronous: 'full' | 'normal';
  /** Set exactly when `storage` is `dynamodb`; `endpoint` is for a local DynamoDB. */
  dynamoDb?: { tableName: string; endpoint?: string };
  /**
   * Set exactly when `storage` is `postgres`: the libpq-style URL (TLS in
   * its `sslmode`/`sslrootcert`/`sslcert`/`sslkey`) and the pool size. The
   * URL may hold a password: never log or print it (see `describeDatabaseUrl`).
   */
  postgres?: { url: string; poolSize: number };
  /** Region of the DynamoDB client; absent lets the SDK's own chain decide. */
  awsRegion?: string;
  /** KMS key ARN; when set, the Jira credential is encrypted under it, not the local master key. */
  kmsKeyId?: string;
}

/** The gateway as an OpenID Connect relying party (the OIDC_* settings). */
export interface OidcSettings {
  /** The provider's issuer identifier, exactly as configured. */
  issuer: string;
  clientId: string;
  /** Absent: a public client (PKCE only), or the secret stored with `oidc set-client-secret`. */
  clientSecret?: string;
  scopes: string[];
  /** Shown as "Sign in with …". */
  providerName: string;
  /** Lowercase domains; empty means any. */
  allowedEmailDomains: string[];
  /** The ID token claim that lists a person's groups. */
  groupsClaim?: string;
  /** Empty means any. */
  allowedGroups: string[];
  /** `publicUrl + /login/oidc/callback`: to be registered at the provider. */
  redirectUri: string;
}

/** Where the provider sends the browser back; registered at the provider as the redirect URI. */
export const OIDC_CALLBACK_PATH = '/login/oidc/callback';

/** The gateway as an OAuth 2.0 (3LO) app at Atlassian (the ATLASSIAN_* settings). */
export interface AtlassianSettings {
  clientId: string;
  /** Absent: read from the secret stored with the CLI (`atlassian set-client-secret`). */
  clientSecret?: string;
  /** Authorization server, e.g. `https://auth.atlassian.com` (no trailing slash). */
  authUrl: string;
  /** API gateway, e.g. `https://api.atlassian.com` (no trailing slash). */
  apiUrl: string;
  /** Asked at /authorize; always includes `offline_access` (for a refresh token). */
  scopes: string[];
  /** `publicUrl + /jira/oauth/callback`: to be registered in Atlassian's developer console. */
  redirectUri: string;
}

/** Where Atlassian sends the browser back after a person links their account. */
export const JIRA_OAUTH_CALLBACK_PATH = '/jira/oauth/callback';

/**
 * Jira work and user reads and writes, `read:me` for the profile (/me) and
 * `offline_access` for a refresh token.
 * @see https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/
 */
export const ATLASSIAN_SCOPES: readonly string[] = Object.freeze([
  'read:jira-work',
  'write:jira-work',
  'read:jira-user',
  'read:me',
  'offline_access',
]);

export const DEFAULT_ATLASSIAN_AUTH_URL = 'https://auth.atlassian.com';
export const DEFAULT_ATLASSIAN_API_URL = 'https://api.atlassian.com';

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
  // A shared DynamoDB table or PostgreSQL database lets the MCP role check
  // tokens in-process (the AWS deployment does), so introspection
  // credentials are optional there.
  if (
    raw.ROLE === 'mcp' &&
    raw.STORAGE === 'sqlite' &&
    (raw.INTROSPECTION_CLIENT_ID === undefined || raw.INTROSPECTION_CLIENT_SECRET === undefined)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  INTROSPECTION_CLIENT_ID, INTROSPECTION_CLIENT_SECRET: required with ROLE=mcp unless STORAGE=dynamodb or postgres (create them with `client add-resource-server`)',
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
  if (raw.STORAGE === 'postgres' && raw.DATABASE_URL === undefined) {
    throw new ConfigError('Invalid configuration:\n  DATABASE_URL: required with STORAGE=postgres');
  }
  // Replicas share the database, so they must share the key of what it
  // stores encrypted; a key file made in each DATA_DIR would differ.
  if (raw.STORAGE === 'postgres' && raw.MASTER_KEY === undefined && raw.KMS_KEY_ID === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  MASTER_KEY: required with STORAGE=postgres (or KMS_KEY_ID): every replica must encrypt and decrypt stored secrets with the same key',
    );
  }
  // Refused rather than ignored, as for DynamoDB: records written elsewhere
  // would be lost to the other replicas.
  if (
    raw.STORAGE !== 'postgres' &&
    (raw.DATABASE_URL !== undefined || raw.DATABASE_POOL_SIZE !== undefined)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_URL, DATABASE_POOL_SIZE: only used with STORAGE=postgres',
    );
  }
  if (raw.STORAGE === 'postgres' && raw.DYNAMODB_TABLE !== undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  DYNAMODB_TABLE, DYNAMODB_ENDPOINT: only used with STORAGE=dynamodb',
    );
  }
  const oidcOnly = [
    raw.OIDC_CLIENT_ID,
    raw.OIDC_CLIENT_SECRET,
    raw.OIDC_SCOPES,
    raw.OIDC_PROVIDER_NAME,
    raw.OIDC_GROUPS_CLAIM,
  ].some((v) => v !== undefined);
  if (
    raw.OIDC_ISSUER === undefined &&
    (oidcOnly || raw.OIDC_ALLOWED_EMAIL_DOMAINS.length > 0 || raw.OIDC_ALLOWED_GROUPS.length > 0)
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  OIDC_ISSUER: required when any other OIDC_ setting is set',
    );
  }
  if (raw.OIDC_ISSUER !== undefined && raw.OIDC_CLIENT_ID === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  OIDC_CLIENT_ID: required with OIDC_ISSUER (the client id the provider gave the gateway)',
    );
  }
  if (raw.OIDC_ALLOWED_GROUPS.length > 0 && raw.OIDC_GROUPS_CLAIM === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  OIDC_GROUPS_CLAIM: required with OIDC_ALLOWED_GROUPS (the ID token claim that lists groups)',
    );
  }
  // With neither way in, nobody could ever sign in.
  if (raw.OIDC_ISSUER === undefined && raw.LOCAL_LOGIN === false) {
    throw new ConfigError(
      'Invalid configuration:\n  LOCAL_LOGIN: false needs OIDC_ISSUER (otherwise nobody can sign in)',
    );
  }
  checkJiraAuth(raw);
  // Refused rather than ignored: a token set for nothing suggests a protected endpoint.
  if (raw.METRICS_TOKEN !== undefined && !raw.METRICS) {
    throw new ConfigError(
      'Invalid configuration:\n  METRICS_TOKEN: only used with METRICS=true (set METRICS=true to serve /metrics)',
    );
  }
  checkMcpPublicUrl(raw);
  const tools = resolveToolSelection(raw.TOOLSETS, raw.ENABLED_TOOLS);
  if (tools.problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${tools.problems.join('\n  ')}`);
  }
  if ((raw.TLS_CERT === undefined) !== (raw.TLS_KEY === undefined)) {
    throw new ConfigError('Invalid configuration:\n  TLS_CERT, TLS_KEY: set both or neither');
  }

  const scheme = raw.TLS_CERT === undefined ? 'http' : 'https';
  const loopbackIssuer = (host: string): string => `${scheme}://${host}:${raw.PORT}`;
  const publicUrl = withoutTrailingSlash(raw.PUBLIC_URL ?? loopbackIssuer('localhost'));
  const mcpPublicUrl =
    raw.MCP_PUBLIC_URL === undefined ? publicUrl : withoutTrailingSlash(raw.MCP_PUBLIC_URL);
  const dataDir = path.resolve(raw.DATA_DIR);

  const config: Config = {
    port: raw.PORT,
    host: raw.HOST,
    publicUrl,
    mcpPublicUrl,
    resource: `${mcpPublicUrl}/mcp`,
    dataDir,
    databasePath: path.join(dataDir, 'gateway.db'),
    logLevel: raw.LOG_LEVEL,
    role: raw.ROLE,
    accessTokenTtlSeconds: raw.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: raw.REFRESH_TOKEN_TTL,
    refreshReuseIntervalSeconds: raw.REFRESH_REUSE_INTERVAL,
    grantTtlSeconds: raw.GRANT_TTL,
    codeTtlSeconds: raw.CODE_TTL,
    masterKeyPath: path.join(dataDir, 'master.key'),
    trustProxyHops: raw.TRUST_PROXY,
    registrationRateLimitPerHour: raw.REGISTRATION_RATE_LIMIT,
    loginMaxFailures: raw.LOGIN_MAX_FAILURES,
    allowedOrigins: raw.ALLOWED_ORIGINS,
    cimdAllowPrivateAddresses: raw.CIMD_ALLOW_PRIVATE_ADDRESSES,
    clientMetadataDocuments: raw.CLIENT_METADATA_DOCUMENTS,
    cimdFetchRateLimitPerHour: raw.CIMD_FETCH_RATE_LIMIT,
    sessionTtlSeconds: raw.SESSION_TTL,
    purgeIntervalSeconds: raw.PURGE_INTERVAL_SECONDS,
    unusedClientTtlSeconds: raw.UNUSED_CLIENT_TTL,
    auditRetentionDays: raw.AUDIT_RETENTION_DAYS,
    personalAccessTokens: {
      enabled: raw.PERSONAL_ACCESS_TOKENS,
      maxDays: raw.PERSONAL_ACCESS_TOKEN_MAX_DAYS,
    },
    localLogin: raw.LOCAL_LOGIN ?? raw.OIDC_ISSUER === undefined,
    jiraAuth: raw.JIRA_AUTH,
    jiraProjects: raw.JIRA_PROJECTS.map((p) => p.toUpperCase()),
    readOnly: raw.READ_ONLY,
    enabledTools: tools.selection.enabledTools,
    toolsets: tools.selection.toolsets,
    attachmentMaxBytes: raw.ATTACHMENT_MAX_BYTES,
    confirmByElicitation: raw.CONFIRM_BY_ELICITATION,
    jiraTimeoutMs: raw.JIRA_TIMEOUT_MS,
    jiraMaxRetries: raw.JIRA_MAX_RETRIES,
    introspectionCacheSeconds: raw.INTROSPECTION_CACHE_SECONDS,
    metrics: {
      enabled: raw.METRICS,
      ...(raw.METRICS_TOKEN === undefined ? {} : { token: raw.METRICS_TOKEN }),
    },
    shutdownTimeoutSeconds: raw.SHUTDOWN_TIMEOUT_SECONDS,
    storage: raw.STORAGE,
    sqliteSynchronous: raw.SQLITE_SYNCHRONOUS,
  };
  if (raw.STORAGE === 'postgres' && raw.DATABASE_URL !== undefined) {
    config.postgres = { url: raw.DATABASE_URL, poolSize: raw.DATABASE_POOL_SIZE ?? 10 };
  }
  if (raw.DYNAMODB_TABLE !== undefined) {
    config.dynamoDb = {
      tableName: raw.DYNAMODB_TABLE,
      ...(raw.DYNAMODB_ENDPOINT === undefined ? {} : { endpoint: raw.DYNAMODB_ENDPOINT }),
    };
  }
  // Only the default: a configured PUBLIC_URL is the one issuer. Split roles
  // keep one issuer too, since introspection answers carry a single `iss`;
  // so does OpenID Connect sign-in, whose provider knows one redirect URI.
  if (raw.PUBLIC_URL === undefined && raw.ROLE === 'all' && raw.OIDC_ISSUER === undefined) {
    config.loopbackAliases = Object.freeze([loopbackIssuer('127.0.0.1'), loopbackIssuer('[::1]')]);
  }
  if (raw.OIDC_ISSUER !== undefined && raw.OIDC_CLIENT_ID !== undefined) {
    config.oidc = {
      issuer: raw.OIDC_ISSUER,
      clientId: raw.OIDC_CLIENT_ID,
      ...(raw.OIDC_CLIENT_SECRET === undefined ? {} : { clientSecret: raw.OIDC_CLIENT_SECRET }),
      scopes: raw.OIDC_SCOPES ?? ['openid', 'email', 'profile'],
      providerName: raw.OIDC_PROVIDER_NAME ?? new URL(raw.OIDC_ISSUER).host,
      allowedEmailDomains: raw.OIDC_ALLOWED_EMAIL_DOMAINS,
      ...(raw.OIDC_GROUPS_CLAIM === undefined ? {} : { groupsClaim: raw.OIDC_GROUPS_CLAIM }),
      allowedGroups: raw.OIDC_ALLOWED_GROUPS,
      redirectUri: `${publicUrl}${OIDC_CALLBACK_PATH}`,
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
  if (raw.JIRA_AUTH === 'atlassian-oauth' && raw.ATLASSIAN_CLIENT_ID !== undefined) {
    config.atlassian = {
      clientId: raw.ATLASSIAN_CLIENT_ID,
      ...(raw.ATLASSIAN_CLIENT_SECRET === undefined
        ? {}
        : { clientSecret: raw.ATLASSIAN_CLIENT_SECRET }),
      authUrl: withoutTrailingSlash(raw.ATLASSIAN_AUTH_URL ?? DEFAULT_ATLASSIAN_AUTH_URL),
      apiUrl: withoutTrailingSlash(raw.ATLASSIAN_API_URL ?? DEFAULT_ATLASSIAN_API_URL),
      scopes: [...ATLASSIAN_SCOPES],
      redirectUri: `${publicUrl}${JIRA_OAUTH_CALLBACK_PATH}`,
    };
  }
  if (raw.TLS_CERT !== undefined && raw.TLS_KEY !== undefined) {
    config.tls = { certPath: raw.TLS_CERT, keyPath: raw.TLS_KEY };
  }
  return Object.freeze(config);
}

/**
 * MCP_PUBLIC_URL (the MCP server on its own origin, apart from the issuer)
 * needs an explicit issuer: the default answers under several loopback
 * spellings, each its own issuer and resource, which a second fixed URL
 * cannot follow.
 * @see RFC 9728 §2 (authorization_servers), §3.3 (resource)
 */
function checkMcpPublicUrl(raw: z.output<typeof RAW_SCHEMA>): void {
  if (raw.MCP_PUBLIC_URL !== undefined && raw.PUBLIC_URL === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_URL: required with MCP_PUBLIC_URL (the issuer the MCP server names)',
    );
  }
}

/**
 * JIRA_AUTH and the ATLASSIAN_* settings belong together: each message names
 * the setting to fix. Zero-config per-person modes (no JIRA_BASE_URL, no
 * ATLASSIAN_CLIENT_ID) are valid: the sandbox plays Jira and Atlassian.
 */
function checkJiraAuth(raw: z.output<typeof RAW_SCHEMA>): void {
  const atlassianOnly: [string, unknown][] = [
    ['ATLASSIAN_CLIENT_ID', raw.ATLASSIAN_CLIENT_ID],
    ['ATLASSIAN_CLIENT_SECRET', raw.ATLASSIAN_CLIENT_SECRET],
    ['ATLASSIAN_AUTH_URL', raw.ATLASSIAN_AUTH_URL],
    ['ATLASSIAN_API_URL', raw.ATLASSIAN_API_URL],
  ];
  const setAtlassian = atlassianOnly.filter(([, v]) => v !== undefined).map(([k]) => k);
  if (raw.JIRA_AUTH !== 'atlassian-oauth' && setAtlassian.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${setAtlassian.join(', ')}: only used with JIRA_AUTH=atlassian-oauth`,
    );
  }
  if (raw.JIRA_AUTH === 'atlassian-oauth' && raw.ATLASSIAN_CLIENT_ID === undefined) {
    if (raw.JIRA_BASE_URL !== undefined || setAtlassian.length > 0) {
      throw new ConfigError(
        'Invalid configuration:\n  ATLASSIAN_CLIENT_ID: required with JIRA_AUTH=atlassian-oauth and JIRA_BASE_URL or another ATLASSIAN_ setting (the client id of your OAuth 2.0 integration in the Atlassian developer console)',
      );
    }
  }
  // People's own tokens must not cross the network in the clear.
  if (
    raw.JIRA_AUTH !== 'service' &&
    raw.JIRA_BASE_URL !== undefined &&
    URL.canParse(raw.JIRA_BASE_URL) &&
    new URL(raw.JIRA_BASE_URL).protocol !== 'https:' &&
    !isLoopbackUrl(raw.JIRA_BASE_URL)
  ) {
    throw new ConfigError(
      `Invalid configuration:\n  JIRA_BASE_URL: must be https with JIRA_AUTH=${raw.JIRA_AUTH} (plain http only for a loopback address, for tests)`,
    );
  }
  // A shared credential is never used when each person acts as themselves;
  // left set, it would suggest otherwise.
  if (
    raw.JIRA_AUTH !== 'service' &&
    (raw.JIRA_EMAIL !== undefined || raw.JIRA_API_TOKEN !== undefined)
  ) {
    throw new ConfigError(
      `Invalid configuration:\n  JIRA_EMAIL, JIRA_API_TOKEN: only used with JIRA_AUTH=service (with JIRA_AUTH=${raw.JIRA_AUTH} each person's own account acts)`,
    );
  }
}

/** The settings table for `--help` and the README. */
export const SETTINGS_HELP: readonly [string, string, string][] = [
  ['PORT', 'TCP port to listen on', '8080'],
  ['HOST', 'interface to bind', '127.0.0.1'],
  [
    'PUBLIC_URL',
    'issuer and public origin, no trailing slash',
    'http://localhost:$PORT; while unset (ROLE=all, no OIDC_ISSUER), 127.0.0.1:$PORT and [::1]:$PORT answer too, each as its own issuer',
  ],
  [
    'MCP_PUBLIC_URL',
    'where clients reach /mcp when it has its own origin (the protected resource is MCP_PUBLIC_URL/mcp; its metadata names PUBLIC_URL as the authorization server); needs PUBLIC_URL',
    'PUBLIC_URL',
  ],
  ['DATA_DIR', 'SQLite database and local master key', './data'],
  ['LOG_LEVEL', 'debug | info | warn | error | silent', 'info'],
  ['ROLE', 'all | oauth | mcp: which parts this process serves', 'all'],
  ['ACCESS_TOKEN_TTL', 'access token lifetime, seconds', '3600'],
  ['REFRESH_TOKEN_TTL', 'refresh token lifetime, seconds', '2592000'],
  [
    'REFRESH_REUSE_INTERVAL',
    'seconds a rotated refresh token still works for parallel refreshes while its successor is unused (0: strict, max 300)',
    '60',
  ],
  ['GRANT_TTL', 'absolute lifetime of a grant (all its tokens), seconds', '7776000'],
  ['CODE_TTL', 'authorization code lifetime, seconds (max 60)', '60'],
  [
    'MASTER_KEY',
    '32-byte base64 key for envelope encryption; required with STORAGE=postgres unless KMS_KEY_ID (every replica needs the same key)',
    'key file in DATA_DIR',
  ],
  ['SESSION_TTL', 'sign-in session lifetime at the authorization pages, seconds', '3600'],
  [
    'PURGE_INTERVAL_SECONDS',
    'how often serve deletes expired codes, tokens, sessions, counters, old grants, unused clients and old audit events (0: never)',
    '3600',
  ],
  [
    'UNUSED_CLIENT_TTL',
    'delete registered clients that never got a grant this many seconds after registration (0: keep)',
    '604800',
  ],
  ['AUDIT_RETENTION_DAYS', 'keep audit events this many days (0: forever)', '365'],
  [
    'PERSONAL_ACCESS_TOKENS',
    'people may create personal access tokens on /account (for clients that cannot do OAuth); false also refuses existing ones',
    'false',
  ],
  [
    'PERSONAL_ACCESS_TOKEN_MAX_DAYS',
    'longest expiry a person may give a personal access token, days (max 366)',
    '90',
  ],
  [
    'CIMD_ALLOW_PRIVATE_ADDRESSES',
    'testing only: fetch client metadata documents from private hosts',
    'false',
  ],
  [
    'CLIENT_METADATA_DOCUMENTS',
    'accept https client ids (Client ID Metadata Documents); false when egress is blocked',
    'true',
  ],
  ['CIMD_FETCH_RATE_LIMIT', 'client metadata document fetches per IP per hour', '20'],
  [
    'OIDC_ISSUER',
    "the organisation's OpenID provider (https); redirect URI to register: PUBLIC_URL/login/oidc/callback",
    '(none: local accounts)',
  ],
  ['OIDC_CLIENT_ID', 'client id the provider gave the gateway', ''],
  [
    'OIDC_CLIENT_SECRET',
    'client secret (prefer `oidc set-client-secret`; none: public client with PKCE)',
    '',
  ],
  ['OIDC_SCOPES', 'scopes asked of the provider (space-separated)', 'openid email profile'],
  ['OIDC_PROVIDER_NAME', 'shown as "Sign in with <name>"', 'the issuer host'],
  [
    'OIDC_ALLOWED_EMAIL_DOMAINS',
    'only e-mail addresses in these domains (comma-separated)',
    '(any)',
  ],
  ['OIDC_GROUPS_CLAIM', 'ID token claim listing groups, e.g. groups, cognito:groups', ''],
  ['OIDC_ALLOWED_GROUPS', 'only members of one of these groups (comma-separated)', '(any)'],
  ['LOCAL_LOGIN', 'offer the username and password form', 'false with OIDC_ISSUER, else true'],
  [
    'TRUST_PROXY',
    'false | true (one proxy) | number of proxies in front: the client IP is the X-Forwarded-For entry the outermost of them added (n-th from the right)',
    'false',
  ],
  ['REGISTRATION_RATE_LIMIT', 'client registrations per IP (IPv6: per /64) per hour', '20'],
  ['LOGIN_MAX_FAILURES', 'failed logins per user and IP per 15 min before throttling', '5'],
  ['ALLOWED_ORIGINS', 'extra browser origins allowed to call /mcp (comma-separated)', '(none)'],
  ['JIRA_BASE_URL', 'Jira Cloud site, e.g. https://acme.atlassian.net', 'built-in sandbox'],
  [
    'JIRA_AUTH',
    "whose Jira account acts: service (shared credential) | atlassian-oauth (each person's Atlassian account, 3LO) | personal-token (each person's API token)",
    'service',
  ],
  [
    'ATLASSIAN_CLIENT_ID',
    'JIRA_AUTH=atlassian-oauth: client id of the OAuth 2.0 (3LO) integration; callback URL to register: PUBLIC_URL/jira/oauth/callback',
    '(none: the sandbox plays Atlassian)',
  ],
  [
    'ATLASSIAN_CLIENT_SECRET',
    'its secret (prefer `atlassian set-client-secret`; refused on Lambda)',
    '',
  ],
  [
    'ATLASSIAN_AUTH_URL',
    "Atlassian's authorization server (tests: another https or loopback URL)",
    'https://auth.atlassian.com',
  ],
  [
    'ATLASSIAN_API_URL',
    "Atlassian's API gateway (tests: another https or loopback URL)",
    'https://api.atlassian.com',
  ],
  ['JIRA_EMAIL', 'Jira account email for Basic auth', ''],
  ['JIRA_API_TOKEN', 'Jira API token (stored encrypted; prefer `jira set-credentials`)', ''],
  ['JIRA_PROJECTS', 'project keys the tools may touch (comma-separated)', '(all)'],
  ['READ_ONLY', 'hide every write tool (also those TOOLSETS or ENABLED_TOOLS chose)', 'false'],
  [
    'TOOLSETS',
    'tool groups to offer (comma-separated): core, agile, attachments, history, structure, collaboration, or all',
    'core,agile,history,structure',
  ],
  [
    'CONFIRM_BY_ELICITATION',
    'destructive tool calls ask the person through a form in the client when it supports elicitation; with several replicas route /mcp by the Authorization header, or set false (ignored on Lambda)',
    'true',
  ],
  [
    'ENABLED_TOOLS',
    'exactly these tools instead of TOOLSETS (comma-separated names; not with TOOLSETS)',
    '(unset: TOOLSETS)',
  ],
  [
    'ATTACHMENT_MAX_BYTES',
    'largest attachment jira_get_attachment shows inline (the download stops there) and jira_add_attachment sends',
    '5242880 (5 MiB)',
  ],
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
  ['METRICS', 'serve Prometheus metrics at /metrics (docs/deploy.md)', 'false'],
  [
    'METRICS_TOKEN',
    'METRICS=true: /metrics wants Authorization: Bearer <this> (16-512 visible characters)',
    '(none: open)',
  ],
  [
    'SHUTDOWN_TIMEOUT_SECONDS',
    'on SIGTERM/SIGINT, how long in-flight requests may finish before connections are cut (max 3600)',
    '10',
  ],
  [
    'STORAGE',
    'sqlite (file in DATA_DIR) | dynamodb (one table, DYNAMODB_TABLE) | postgres (DATABASE_URL; replicas)',
    'sqlite',
  ],
  [
    'DATABASE_URL',
    'STORAGE=postgres: postgres://user:password@host:5432/db; TLS in the URL: sslmode=verify-full (sslrootcert=CA file, sslcert/sslkey: client certificate) or no-verify',
    '',
  ],
  ['DATABASE_POOL_SIZE', 'STORAGE=postgres: connections per process at most', '10'],
  [
    'SQLITE_SYNCHRONOUS',
    'STORAGE=sqlite: full (each commit synced to disk) | normal (may lose the last commits on power loss)',
    'full',
  ],
  ['DYNAMODB_TABLE', 'STORAGE=dynamodb: the table name', ''],
  ['DYNAMODB_ENDPOINT', 'STORAGE=dynamodb: another endpoint, e.g. a local DynamoDB', 'AWS'],
  ['AWS_REGION', 'region of the DynamoDB client (KMS: the key ARN names it)', 'SDK default chain'],
  [
    'KMS_KEY_ID',
    "KMS key ARN: encrypt the stored secrets (Jira credential, people's Jira tokens, client secrets) with KMS",
    'local master key',
  ],
];
