/**
 * The gateway as an OAuth 2.0 (3LO) client of Atlassian: the authorize URL,
 * the code exchange, the (rotating) refresh, the sites a token reaches and
 * the person's profile. Every answer is parsed with zod; every failure is an
 * {@link AtlassianOAuthError} whose message never holds a token, a code, the
 * client secret or an upstream body.
 */
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { AtlassianSettings } from '../../config/config.js';

/** The one audience Atlassian's authorize endpoint serves for its product APIs. */
export const ATLASSIAN_AUDIENCE = 'api.atlassian.com';

/** Stable failure codes; callers branch on these. */
export const ATLASSIAN_OAUTH_ERROR = {
  /**
   * The grant is dead: `invalid_grant` or `unauthorized_client` to a refresh
   * or code (revoked, expired, password changed, or a refresh token reused
   * after Atlassian's leeway). The person must authorize again.
   */
  refused: 'refused',
  /** Atlassian refused the request for another reason (wrong client secret, bad request). */
  rejected: 'rejected',
  /** Atlassian did not answer in time, could not be reached, or answered 5xx/429. */
  unavailable: 'unavailable',
  /** Atlassian answered 2xx with a body of the wrong shape. */
  invalidResponse: 'invalid_response',
} as const;

export type AtlassianOAuthErrorCode =
  (typeof ATLASSIAN_OAUTH_ERROR)[keyof typeof ATLASSIAN_OAUTH_ERROR];

/**
 * A failed call to Atlassian. `oauthError` is the `error` code Atlassian
 * sent (validated to be a short token), never its description.
 * @see RFC 6749 §5.2
 */
export class AtlassianOAuthError extends Error {
  readonly code: AtlassianOAuthErrorCode;
  readonly status: number | undefined;
  readonly oauthError: string | undefined;

  constructor(
    code: AtlassianOAuthErrorCode,
    message: string,
    options: { status?: number; oauthError?: string } = {},
  ) {
    super(message);
    this.name = 'AtlassianOAuthError';
    this.code = code;
    this.status = options.status;
    this.oauthError = options.oauthError;
  }
}

/** Tokens from the token endpoint; `expiresAt` is absolute (ms). */
export interface AtlassianTokens {
  accessToken: string;
  /** Absent when `offline_access` was not granted. A refresh returns a new one (rotation). */
  refreshToken?: string;
  expiresAt: number;
  scope: string;
}

/** One site a token reaches (`GET /oauth/token/accessible-resources`). */
export interface AtlassianSite {
  /** The cloud id: API calls go to `{apiUrl}/ex/jira/{id}`. */
  id: string;
  name: string;
  url: string;
  scopes: string[];
}

/** The person's Atlassian account (`GET /me`, scope `read:me`). */
export interface AtlassianProfile {
  accountId: string;
  name: string;
  email?: string;
}

const TOKEN_SCHEMA = z.object({
  access_token: z.string().min(1).max(16_384),
  expires_in: z
    .number()
    .int()
    .positive()
    .max(366 * 24 * 3600),
  token_type: z
    .string()
    .refine((t) => t.toLowerCase() === 'bearer', 'must be Bearer')
    .optional(),
  refresh_token: z.string().min(1).max(16_384).optional(),
  scope: z.string().max(4096).optional(),
});

const SITES_SCHEMA = z
  .array(
    z.object({
      id: z.string().min(1).max(128),
      name: z.string().max(512),
      url: z.url({ protocol: /^https?$/ }),
      scopes: z.array(z.string()).default([]),
    }),
  )
  .max(1000);

const PROFILE_SCHEMA = z.object({
  account_id: z.string().min(1).max(256),
  name: z.string().max(512).default(''),
  email: z.string().max(320).optional(),
  nickname: z.string().max(512).optional(),
});

const ERROR_SCHEMA = z.object({ error: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });

/** `error` values that mean the grant itself is dead (Atlassian sends them with 403, RFC 6749 with 400). */
const DEAD_GRANT_ERRORS: ReadonlySet<string> = new Set(['invalid_grant', 'unauthorized_client']);

export interface AtlassianOAuthClientOptions {
  settings: Omit<AtlassianSettings, 'clientSecret'>;
  /** Read when first needed (the environment, or the encrypted store). */
  clientSecret: () => Promise<string>;
  clock: Clock;
  fetch?: typeof globalThis.fetch;
  /** Per request. Default 10 000; must stay below the refresh lease. */
  timeoutMs?: number;
}

type Answer = { status: number; text: string };

/**
 * Atlassian's OAuth 2.0 (3LO) endpoints for one registered app.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
export class AtlassianOAuthClient {
  readonly #settings: Omit<AtlassianSettings, 'clientSecret'>;
  readonly #clientSecret: () => Promise<string>;
  readonly #clock: Clock;
  readonly #fetch: typeof globalThis.fetch;
  readonly #timeoutMs: number;

  constructor(options: AtlassianOAuthClientOptions) {
    this.#settings = options.settings;
    this.#clientSecret = options.clientSecret;
    this.#clock = options.clock;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The API gateway's root, e.g. `https://api.atlassian.com`. */
  get apiUrl(): string {
    return this.#settings.apiUrl;
  }

  /**
   * Where to send the person: Atlassian's consent screen for this app, with
   * `audience=api.atlassian.com` and `prompt=consent` (so a re-link always
   * shows which account and site are granted).
   * `redirectUri` defaults to the configured callback; a gateway answering
   * under several loopback spellings passes the one the person is on, so
   * Atlassian returns them where their session cookie is.
   * @see RFC 6749 §4.1.1
   */
  authorizeUrl(state: string, redirectUri: string = this.#settings.redirectUri): string {
    const url = new URL(`${this.#settings.authUrl}/authorize`);
    url.searchParams.set('audience', ATLASSIAN_AUDIENCE);
    url.searchParams.set('client_id', this.#settings.clientId);
    url.searchParams.set('scope', this.#settings.scopes.join(' '));
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('prompt', 'consent');
    return url.toString();
  }

  /**
   * Exchanges an authorization code for tokens; `redirectUri` must be the
   * one the authorization request named.
   * @see RFC 6749 §4.1.3
   */
  async exchangeCode(
    code: string,
    redirectUri: string = this.#settings.redirectUri,
  ): Promise<AtlassianTokens> {
    return this.#token('authorization code exchange', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    });
  }

  /**
   * Exchanges a refresh token for new tokens. Atlassian rotates: the answer
   * holds a new refresh token, and the old one dies (after a short leeway).
   * @see RFC 6749 §6
   */
  async refresh(refreshToken: string): Promise<AtlassianTokens> {
    return this.#token('token refresh', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
  }

  /**
   * The sites the access token reaches.
   * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3-1-get-the-cloudid-for-your-site
   */
  async accessibleResources(accessToken: string): Promise<AtlassianSite[]> {
    const answer = await this.#get('/oauth/token/accessible-resources', accessToken);
    return parse(SITES_SCHEMA, answer, 'accessible-resources');
  }

  /**
   * The person's account (id, name, e-mail).
   * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/ (GET /me, scope read:me)
   */
  async me(accessToken: string): Promise<AtlassianProfile> {
    const answer = await this.#get('/me', accessToken);
    const profile = parse(PROFILE_SCHEMA, answer, 'profile (/me)');
    return {
      accountId: profile.account_id,
      name: profile.name !== '' ? profile.name : (profile.nickname ?? profile.account_id),
      ...(profile.email === undefined || profile.email === '' ? {} : { email: profile.email }),
    };
  }

  async #token(what: string, grant: Record<string, string>): Promise<AtlassianTokens> {
    const body = JSON.stringify({
      ...grant,
      client_id: this.#settings.clientId,
      client_secret: await this.#clientSecret(),
    });
    const sentAt = this.#clock.now();
    const answer = await this.#call(what, `${this.#settings.authUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body,
    });
    if (answer.status < 200 || answer.status >= 300) throw tokenError(what, answer);
    const tokens = parse(TOKEN_SCHEMA, answer, what);
    // Counted from before the request, so the token is never thought fresher than it is.
    return {
      accessToken: tokens.access_token,
      ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
      expiresAt: sentAt + tokens.expires_in * 1000,
      scope: tokens.scope ?? '',
    };
  }

  async #get(path: string, accessToken: string): Promise<Answer> {
    const what = `GET ${path}`;
    const answer = await this.#call(what, `${this.#settings.apiUrl}${path}`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
    });
    if (answer.status === 401 || answer.status === 403) {
      throw new AtlassianOAuthError(
        ATLASSIAN_OAUTH_ERROR.rejected,
        `Atlassian refused ${what} (HTTP ${answer.status}).`,
        { status: answer.status },
      );
    }
    if (answer.status < 200 || answer.status >= 300) throw statusError(what, answer.status);
    return answer;
  }

  async #call(what: string, url: string, init: RequestInit): Promise<Answer> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await this.#fetch(url, { ...init, signal, redirect: 'manual' });
      const text = await response.text();
      return { status: response.status, text };
    } catch {
      // The cause is not kept: it can carry the URL or request.
      throw new AtlassianOAuthError(
        ATLASSIAN_OAUTH_ERROR.unavailable,
        signal.aborted
          ? `Atlassian did not answer the ${what} within ${this.#timeoutMs} ms.`
          : `Could not reach Atlassian for the ${what}.`,
      );
    }
  }
}

function statusError(what: string, status: number): AtlassianOAuthError {
  return new AtlassianOAuthError(
    status >= 500 || status === 429
      ? ATLASSIAN_OAUTH_ERROR.unavailable
      : ATLASSIAN_OAUTH_ERROR.rejected,
    `Atlassian answered the ${what} with HTTP ${status}.`,
    { status },
  );
}

/**
 * A refused token request. `invalid_grant` and `unauthorized_client` (with
 * 400, 401 or 403) mean the grant is dead; anything else is not the
 * person's link's fault (a wrong client secret is `invalid_client`).
 * @see RFC 6749 §5.2
 */
function tokenError(what: string, answer: Answer): AtlassianOAuthError {
  let oauthError: string | undefined;
  try {
    const parsed = ERROR_SCHEMA.safeParse(JSON.parse(answer.text));
    if (parsed.success) oauthError = parsed.data.error;
  } catch {
    // Not JSON: judged by the status alone.
  }
  const { status } = answer;
  if (
    (status === 400 || status === 401 || status === 403) &&
    oauthError !== undefined &&
    DEAD_GRANT_ERRORS.has(oauthError)
  ) {
    return new AtlassianOAuthError(
      ATLASSIAN_OAUTH_ERROR.refused,
      `Atlassian refused the ${what} (${oauthError}): the grant was revoked or has expired.`,
      { status, oauthError },
    );
  }
  if (status >= 500 || status === 429) return statusError(what, status);
  return new AtlassianOAuthError(
    ATLASSIAN_OAUTH_ERROR.rejected,
    `Atlassian refused the ${what} (HTTP ${status}${oauthError === undefined ? '' : `, ${oauthError}`}).`,
    { status, ...(oauthError === undefined ? {} : { oauthError }) },
  );
}

function parse<S extends z.ZodType>(schema: S, answer: Answer, what: string): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    throw new AtlassianOAuthError(
      ATLASSIAN_OAUTH_ERROR.invalidResponse,
      `Atlassian's answer to the ${what} was not JSON.`,
      { status: answer.status },
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // Paths only: a value could be a token.
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(root)'))];
    throw new AtlassianOAuthError(
      ATLASSIAN_OAUTH_ERROR.invalidResponse,
      `Atlassian's answer to the ${what} did not have the expected shape (${fields.slice(0, 3).join(', ')}).`,
      { status: answer.status },
    );
  }
  return parsed.data;
}
