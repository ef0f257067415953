/**
 * A native MCP client's OAuth state for one server, kept in memory, typed
 * for either SDK generation: the 1.x `@modelcontextprotocol/sdk` and the v2
 * `@modelcontextprotocol/client`.
 */
import { randomBytes } from 'node:crypto';
import type {
  OAuthDiscoveryState as StoredDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/** What a client keeps for one server, as the SDK generation types it. */
export interface OAuthRecordTypes {
  client: { client_id: string };
  tokens: { access_token: string; refresh_token?: string | undefined; scope?: string | undefined };
  discovery: unknown;
}

/** The records of `@modelcontextprotocol/sdk` 1.x. */
export interface SdkV1OAuthRecords extends OAuthRecordTypes {
  client: OAuthClientInformationMixed;
  tokens: OAuthTokens;
  discovery: OAuthDiscoveryState;
}

/** The records of the v2 client package, `@modelcontextprotocol/client`. */
export interface SdkV2OAuthRecords extends OAuthRecordTypes {
  client: StoredOAuthClientInformation;
  tokens: StoredOAuthTokens;
  discovery: StoredDiscoveryState;
}

/** The client metadata these test clients send or publish. @see RFC 7591 §2 */
export interface TestClientMetadata {
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: 'none';
  grant_types?: string[];
  response_types?: string[];
  client_uri?: string;
}

/**
 * A public native client with one loopback redirect URI that uses the code
 * and refresh grants.
 * @see RFC 8252 §7.3; RFC 7591 §2
 */
export function nativeClientMetadata(clientName: string, redirectUri: string): TestClientMetadata {
  return {
    client_name: clientName,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
}

/**
 * An unguessable `state` per authorization request.
 * @see RFC 6749 §10.12
 */
export function randomState(): string {
  return randomBytes(16).toString('base64url');
}

export interface InMemoryOAuthProviderOptions {
  redirectUrl: string;
  clientMetadata: TestClientMetadata;
  /** The client's metadata document URL, used as its client_id instead of registering. */
  clientMetadataUrl?: string;
  /** Makes each request's `state`; absent, the client sends none. */
  state?: () => string;
  /** Keeps the discovery result, as v2 does to bind the callback leg to the issuer. */
  keepsDiscovery?: boolean;
  /** Sends the person to the authorization URL; absent, the URL is only recorded. */
  openBrowser?: (url: URL) => void;
}

/**
 * What a native MCP client keeps for one server, in memory: its
 * registration, its tokens, the PKCE verifier of the pending request and,
 * if asked, the discovery result. The optional capabilities (`state`,
 * discovery, `clientMetadataUrl`) exist only when the options ask for them,
 * because the SDKs change their flow on their mere presence.
 * @see MCP 2025-11-25 authorization
 */
export class InMemoryOAuthProvider<R extends OAuthRecordTypes> {
  readonly redirectUrl: string;
  readonly clientMetadata: TestClientMetadata;
  readonly clientMetadataUrl?: string;
  readonly state?: () => string;
  readonly saveDiscoveryState?: (state: R['discovery']) => void;
  readonly discoveryState?: () => R['discovery'] | undefined;
  /** The `state` of the latest authorization request. */
  lastState: string | undefined;
  /** The latest URL the client sent the person to. */
  authorizationUrl: URL | undefined;
  #client: R['client'] | undefined;
  #tokens: R['tokens'] | undefined;
  #verifier: string | undefined;
  #discovery: R['discovery'] | undefined;
  readonly #openBrowser: ((url: URL) => void) | undefined;

  constructor(options: InMemoryOAuthProviderOptions) {
    this.redirectUrl = options.redirectUrl;
    this.clientMetadata = options.clientMetadata;
    this.#openBrowser = options.openBrowser;
    if (options.clientMetadataUrl !== undefined) this.clientMetadataUrl = options.clientMetadataUrl;
    const makeState = options.state;
    if (makeState !== undefined) {
      this.state = () => {
        this.lastState = makeState();
        return this.lastState;
      };
    }
    if (options.keepsDiscovery === true) {
      this.saveDiscoveryState = (state) => {
        this.#discovery = state;
      };
      this.discoveryState = () => this.#discovery;
    }
  }

  clientInformation(): R['client'] | undefined {
    return this.#client;
  }

  saveClientInformation(info: R['client']): void {
    this.#client = info;
  }

  tokens(): R['tokens'] | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: R['tokens']): void {
    this.#tokens = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
    this.#openBrowser?.(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (this.#verifier === undefined) throw new Error('no authorization request is pending');
    return this.#verifier;
  }
}
