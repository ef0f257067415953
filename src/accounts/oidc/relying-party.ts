/**
 * The gateway as an OpenID Connect relying party of the organisation's
 * provider, on openid-client (by the author of oidc-provider, OpenID
 * certified): discovery, the authorization code flow with PKCE S256,
 * `state`, `nonce`, ID token validation, and the RFC 9207 `iss` parameter
 * where the provider sends (or announces) it. This module knows nothing of
 * HTTP routing or storage; it turns openid-client's errors into
 * {@link OidcSignInError}s the pages can explain.
 */
import * as client from 'openid-client';
import { SYSTEM_CLOCK, type Clock } from '../../clock.js';
import { OIDC_FAILURE, OidcSignInError } from './sign-in-error.js';

export interface RelyingPartySettings {
  issuer: string;
  clientId: string;
  /**
   * The client secret, or where to read it when first needed (the one
   * stored encrypted with `oidc set-client-secret`). Absent or resolving to
   * undefined: a public client, protected by PKCE alone.
   */
  clientSecret?: string | (() => Promise<string | undefined>) | undefined;
  scopes: readonly string[];
  redirectUri: string;
}

export interface RelyingPartyOptions {
  /** After a failed discovery, how long to answer "unreachable" before trying again. Default 10 s. */
  retryAfterMs?: number;
  /** Timeout of each request to the provider, seconds. Default 10. */
  timeoutSeconds?: number;
  /** Default: the system clock. */
  clock?: Clock;
}

/** What the browser is sent to, and what the callback must check its answer against. */
export interface AuthorizationStart {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The validated ID token claims of a signed-in person. */
export type IdTokenClaims = Readonly<Record<string, unknown>> & { sub: string; iss: string };

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
]);

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

function isNetworkFailure(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  if (error instanceof DOMException)
    return error.name === 'AbortError' || error.name === 'TimeoutError';
  return error instanceof client.ClientError && NETWORK_CODES.has(error.code ?? '');
}

/** The claim an oauth4webapi comparison failed on (`iss`, `aud`, `azp`, `nonce`), if it says. */
function failedClaim(error: client.ClientError): string | undefined {
  const inner = causeOf(causeOf(error));
  if (typeof inner === 'object' && inner !== null && 'claim' in inner) {
    const claim = inner.claim;
    return typeof claim === 'string' ? claim : undefined;
  }
  return undefined;
}

/**
 * Maps what openid-client threw while completing a sign-in to the failure
 * the person is shown; anything that is not openid-client's is a fault and
 * passes through.
 * @see OpenID Connect Core 1.0 §3.1.3.7; RFC 9207 §2.4
 */
export function classifyCallbackError(error: unknown): OidcSignInError {
  if (error instanceof OidcSignInError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    return new OidcSignInError(
      OIDC_FAILURE.providerError,
      `provider answered error=${error.error}`,
      {
        cause: error,
      },
    );
  }
  if (isNetworkFailure(error)) {
    const what = error instanceof Error ? error.message : String(error);
    return new OidcSignInError(OIDC_FAILURE.providerUnreachable, what, { cause: error });
  }
  if (error instanceof client.ResponseBodyError) {
    return new OidcSignInError(
      OIDC_FAILURE.invalidResponse,
      `token endpoint answered error=${error.error}`,
      { cause: error },
    );
  }
  if (error instanceof client.ClientError) {
    const inner = causeOf(error);
    const innerMessage = inner instanceof Error ? inner.message : error.message;
    if (error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
      return new OidcSignInError(OIDC_FAILURE.tokenTime, innerMessage, { cause: error });
    }
    if (error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
      const claim = failedClaim(error);
      const failure =
        claim === 'iss'
          ? OIDC_FAILURE.wrongIssuer
          : claim === 'aud' || claim === 'azp'
            ? OIDC_FAILURE.wrongAudience
            : claim === 'nonce'
              ? OIDC_FAILURE.nonceMismatch
              : OIDC_FAILURE.invalidResponse;
      return new OidcSignInError(failure, innerMessage, { cause: error });
    }
    if (/"iss" \(issuer\) response parameter/.test(innerMessage)) {
      return new OidcSignInError(OIDC_FAILURE.wrongIssuer, innerMessage, { cause: error });
    }
    if (/"state" response parameter/.test(innerMessage)) {
      return new OidcSignInError(OIDC_FAILURE.stateMismatch, innerMessage, { cause: error });
    }
    return new OidcSignInError(OIDC_FAILURE.invalidResponse, innerMessage, { cause: error });
  }
  throw error;
}

/**
 * One provider. Discovery happens on first use and is kept; a failed one is
 * remembered for `retryAfterMs`, so a provider that is down costs one
 * attempt per interval, not one per page view, and the gateway keeps running.
 * @see OpenID Connect Discovery 1.0 §4
 */
export class OidcRelyingParty {
  readonly settings: RelyingPartySettings;
  readonly #retryAfterMs: number;
  readonly #timeoutSeconds: number;
  readonly #clock: Clock;
  #configuration: Promise<client.Configuration> | undefined;
  #failedAt = 0;
  #lastFailure: OidcSignInError | undefined;

  constructor(settings: RelyingPartySettings, options: RelyingPartyOptions = {}) {
    this.settings = settings;
    this.#retryAfterMs = options.retryAfterMs ?? 10_000;
    this.#timeoutSeconds = options.timeoutSeconds ?? 10;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
  }

  /**
   * The provider's configuration, discovering it when not yet known.
   * Throws {@link OidcSignInError} `provider_unreachable` when discovery fails.
   * @see OpenID Connect Discovery 1.0 §4.3 (the issuer must match exactly)
   */
  async configuration(): Promise<client.Configuration> {
    if (this.#configuration === undefined) {
      if (
        this.#lastFailure !== undefined &&
        this.#clock.now() - this.#failedAt < this.#retryAfterMs
      ) {
        throw this.#lastFailure;
      }
      const attempt = this.#discover();
      this.#configuration = attempt;
      attempt.then(
        () => {
          this.#lastFailure = undefined;
        },
        () => {
          if (this.#configuration === attempt) this.#configuration = undefined;
        },
      );
    }
    try {
      return await this.#configuration;
    } catch (error) {
      const failure = new OidcSignInError(
        OIDC_FAILURE.providerUnreachable,
        `discovery of ${this.settings.issuer} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      this.#failedAt = this.#clock.now();
      this.#lastFailure = failure;
      throw failure;
    }
  }

  async #discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret: source } = this.settings;
    const clientSecret = typeof source === 'function' ? await source() : source;
    const url = new URL(issuer);
    return client.discovery(
      url,
      clientId,
      clientSecret === undefined ? undefined : { client_secret: clientSecret },
      // RFC 6749 §2.3.1: every provider must accept HTTP Basic; it is OIDC's default too.
      clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret),
      {
        timeout: this.#timeoutSeconds,
        execute: [
          // Also verify the ID token's signature against the provider's JWKS:
          // Core §3.1.3.7 lets TLS stand in for it, but a signature check
          // does not depend on every hop of the TLS path being sound.
          client.enableNonRepudiationChecks,
          // Config allows plain http only for a loopback issuer (tests).
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out; used for loopback test issuers alone
          ...(url.protocol === 'http:' ? [client.allowInsecureRequests] : []),
        ],
      },
    );
  }

  /**
   * A fresh authorization request: new `state`, `nonce` and PKCE verifier
   * (S256), response type `code`.
   * @see OpenID Connect Core 1.0 §3.1.2.1; RFC 7636 §4.1–§4.2
   */
  async start(): Promise<AuthorizationStart> {
    const configuration = await this.configuration();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const codeVerifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      response_type: 'code',
      scope: this.settings.scopes.join(' '),
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Completes a sign-in from the callback URL: checks `iss` (RFC 9207),
   * `state`, the provider's `error`, redeems the code with the verifier,
   * and validates the ID token (signature, `iss`, `aud`, `azp`, `exp`,
   * `nbf`, `nonce`). Returns its claims; throws {@link OidcSignInError}.
   * @see OpenID Connect Core 1.0 §3.1.3.7; RFC 9207 §2.4; RFC 7636 §4.5
   */
  async finish(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<IdTokenClaims> {
    const configuration = await this.configuration();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        pkceCodeVerifier: expected.codeVerifier,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (claims === undefined) {
        throw new OidcSignInError(
          OIDC_FAILURE.invalidResponse,
          'no ID token in the token response',
        );
      }
      return claims;
    } catch (error) {
      throw classifyCallbackError(error);
    }
  }
}
