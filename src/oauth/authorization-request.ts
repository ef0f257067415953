import type { ClientRecord } from '../storage/ports.js';
import type { ClientDirectory } from './client-directory.js';
import { MetadataDocumentError, type DocumentRequester } from './client-metadata-document.js';
import { OAuthError } from './errors.js';
import { checkCodeChallenge } from './pkce.js';
import { matchRedirectUri, validateRedirectUriForRegistration } from './redirect-uri.js';
import { resolveResource } from './resource-indicator.js';
import { parseRequestedScopes, type Scope } from './scopes.js';

/** A validated authorization request, ready for login and consent. */
export interface AuthorizationRequest {
  client: ClientRecord;
  redirectUri: string;
  /** Whether `redirect_uri` was in the request (then the token request must repeat it). */
  redirectUriGiven: boolean;
  state?: string;
  scopes: Scope[];
  resource: string;
  codeChallenge: string;
  /** `prompt=login` or `select_account`: show the sign-in form even to a signed-in person. */
  forceLogin: boolean;
}

/**
 * No redirect may be sent, so the person must see an error page: the client
 * or redirect URI cannot be trusted, or the client is one nobody has vouched
 * for and no person has seen the consent page yet (redirecting would make us
 * an open redirector).
 * @see RFC 6749 §4.1.2.1; draft-ietf-oauth-v2-1-13 §4.1.2.1; RFC 9700 §4.11.2
 */
export class UntrustedRedirectError extends Error {
  constructor(
    readonly title: string,
    message: string,
    /** What the person or the administrator can do about it, in plain words. */
    readonly hint?: string,
    readonly status: 400 | 429 = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'UntrustedRedirectError';
  }
}

export type AuthorizationRequestResult =
  | { ok: true; request: AuthorizationRequest }
  /** Errors that may go back to the client: a vouched-for client, or after consent was shown. */
  | { ok: false; redirectUri: string; state?: string; error: OAuthError };

export interface AuthorizationRequestOptions {
  /** Who sent the request: metadata-document fetches are budgeted per IP. */
  requester: DocumentRequester;
  /**
   * True only for the consent form's POST: a person has signed in and seen
   * the consent page, so errors may go back to any client.
   */
  consentShown?: boolean;
}

const SINGLE_VALUED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'prompt',
] as const;

const PROMPT_VALUES: ReadonlySet<string> = new Set(['none', 'login', 'consent', 'select_account']);

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E, separated by spaces. */
const SCOPE_SYNTAX = /^[\x21\x23-\x5b\x5d-\x7e ]*$/;

/**
 * Whether an administrator vouched for the client: only clients made with the
 * CLI. Dynamically registered clients and metadata documents are anyone's,
 * so the server never redirects to them on its own.
 * @see RFC 9700 §4.11.2
 */
export function isVouchedFor(client: ClientRecord): boolean {
  return client.source === 'cli';
}

/**
 * Validates an authorization request in the order the specs require: first
 * the client and redirect URI (failures throw {@link UntrustedRedirectError}),
 * then everything else. Those later failures come back as a redirect error
 * only for a client someone vouched for ({@link isVouchedFor}) or once the
 * person has seen the consent page (`consentShown`); otherwise they throw
 * {@link UntrustedRedirectError} too, so an unvouched client cannot use the
 * server as an open redirector.
 * @see RFC 6749 §4.1.1, §4.1.2.1; RFC 7636 §4.4; RFC 8707 §2; RFC 8252 §7.3
 * @see RFC 9700 §4.11.2; OpenID Connect Core 1.0 §3.1.2.1 (prompt)
 */
export async function validateAuthorizationRequest(
  params: URLSearchParams,
  deps: { clients: ClientDirectory; resource: string },
  options: AuthorizationRequestOptions,
): Promise<AuthorizationRequestResult> {
  const clientId = params.get('client_id');
  if (clientId === null || clientId === '') {
    throw new UntrustedRedirectError('Missing client', 'The request does not name a client_id.');
  }
  if (params.getAll('client_id').length > 1 || params.getAll('redirect_uri').length > 1) {
    throw new UntrustedRedirectError(
      'Invalid request',
      'client_id and redirect_uri may appear only once.',
    );
  }
  let client: ClientRecord | undefined;
  try {
    client = await deps.clients.find(clientId, options.requester);
  } catch (error) {
    if (error instanceof MetadataDocumentError) throw metadataDocumentPage(error);
    if (error instanceof OAuthError) {
      throw new UntrustedRedirectError('Unknown application', error.message);
    }
    throw error;
  }
  if (client === undefined || client.kind !== 'oauth') {
    throw new UntrustedRedirectError(
      'Unknown application',
      'This application is not registered with this server. Ask it to register again.',
    );
  }

  const requestedRedirect = params.get('redirect_uri');
  let redirectUri: string | undefined;
  if (requestedRedirect === null || requestedRedirect === '') {
    // OAuth 2.1 §2.3.2: optional only when exactly one URI is registered.
    redirectUri = client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
  } else {
    redirectUri = matchRedirectUri(client.redirectUris, requestedRedirect);
  }
  if (redirectUri === undefined || !allowedByCurrentPolicy(redirectUri)) {
    throw new UntrustedRedirectError(
      'Invalid redirect address',
      'The redirect_uri in this request is not one this application registered, so it was not followed.',
    );
  }

  const state = params.get('state') ?? undefined;
  const redirectAllowed = isVouchedFor(client) || options.consentShown === true;
  const back = (error: OAuthError): AuthorizationRequestResult => {
    if (!redirectAllowed) {
      throw new UntrustedRedirectError(
        'Invalid request',
        `The application sent a request this server cannot accept: ${error.message} (${error.code}).`,
        'This is a fault in the application, not something you did: tell its developer. Nothing was sent back to the application.',
      );
    }
    return { ok: false, redirectUri, ...(state === undefined ? {} : { state }), error };
  };

  for (const name of SINGLE_VALUED) {
    if (params.getAll(name).length > 1) {
      return back(new OAuthError('invalid_request', `${name} must not be repeated`));
    }
  }
  const responseType = params.get('response_type');
  if (responseType !== 'code') {
    return back(
      responseType === null
        ? new OAuthError('invalid_request', 'response_type is required')
        : new OAuthError('unsupported_response_type', 'only response_type=code is supported'),
    );
  }
  if (!client.responseTypes.includes('code') || !client.grantTypes.includes('authorization_code')) {
    return back(new OAuthError('unauthorized_client', 'this client may not use the code flow'));
  }
  if (params.has('request') || params.has('request_uri')) {
    return back(new OAuthError('invalid_request', 'request objects are not supported'));
  }
  const responseMode = params.get('response_mode');
  if (responseMode !== null && responseMode !== 'query') {
    return back(new OAuthError('invalid_request', 'only response_mode=query is supported'));
  }
  const scope = params.get('scope');
  if (scope !== null && !SCOPE_SYNTAX.test(scope)) {
    return back(new OAuthError('invalid_scope', 'scope contains characters RFC 6749 §3.3 forbids'));
  }
  try {
    const forceLogin = parsePrompt(params.get('prompt'));
    const codeChallenge = checkCodeChallenge(
      params.get('code_challenge') ?? undefined,
      params.get('code_challenge_method') ?? undefined,
    );
    const resource = resolveResource(params.get('resource') ?? undefined, deps.resource);
    const request: AuthorizationRequest = {
      client,
      redirectUri,
      redirectUriGiven: requestedRedirect !== null && requestedRedirect !== '',
      scopes: parseRequestedScopes(scope),
      resource,
      codeChallenge,
      forceLogin,
    };
    if (state !== undefined) request.state = state;
    return { ok: true, request };
  } catch (error) {
    if (error instanceof OAuthError) return back(error);
    throw error;
  }
}

/**
 * The request to carry through the sign-in form: `prompt=login` and
 * `select_account` are satisfied by that form, so they are dropped, or the
 * return to `/authorize` after signing in would ask again, for ever.
 * @see OpenID Connect Core 1.0 §3.1.2.1
 */
export function afterSignIn(params: URLSearchParams): URLSearchParams {
  const copy = new URLSearchParams(params);
  const prompt = copy.get('prompt');
  if (prompt === null) return copy;
  const rest = prompt.split(' ').filter((p) => p !== 'login' && p !== 'select_account' && p !== '');
  if (rest.length === 0) copy.delete('prompt');
  else copy.set('prompt', rest.join(' '));
  return copy;
}

/**
 * Builds the redirect back to the client, always with `iss`, for success
 * (`code`) and error alike.
 * @see RFC 6749 §4.1.2; RFC 9207 §2
 */
export function buildRedirect(
  redirectUri: string,
  issuer: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  url.searchParams.set('iss', issuer);
  return url.toString();
}

/**
 * True when `prompt` asks for a fresh sign-in. Unknown values are refused
 * rather than ignored (a client asking for something we would not do must
 * be told); `none` cannot be honoured because consent is always asked.
 * @see OpenID Connect Core 1.0 §3.1.2.1, §3.1.2.6
 */
function parsePrompt(prompt: string | null): boolean {
  if (prompt === null || prompt === '') return false;
  const values = prompt.split(' ').filter((p) => p !== '');
  const unknown = values.find((p) => !PROMPT_VALUES.has(p));
  if (unknown !== undefined) {
    throw new OAuthError(
      'invalid_request',
      `prompt value ${JSON.stringify(unknown.slice(0, 40))} is not supported`,
    );
  }
  if (values.includes('none')) {
    if (values.length > 1) {
      throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other values');
    }
    throw new OAuthError(
      'interaction_required',
      'prompt=none cannot be honoured: this server always asks the person to consent',
    );
  }
  return values.includes('login') || values.includes('select_account');
}

/** A redirect URI registered under an older, looser policy is not followed any more. */
function allowedByCurrentPolicy(redirectUri: string): boolean {
  try {
    validateRedirectUriForRegistration(redirectUri);
    return true;
  } catch (error) {
    if (error instanceof OAuthError) return false;
    throw error;
  }
}

/** The error page for a metadata document, saying what the person or administrator can do. */
function metadataDocumentPage(error: MetadataDocumentError): UntrustedRedirectError {
  switch (error.problem) {
    case 'disabled':
      return new UntrustedRedirectError(
        'Application not accepted here',
        `This application identifies itself with a client metadata document (${shortUrl(error.clientId)}), and this server is set not to use them (CLIENT_METADATA_DOCUMENTS=false).`,
        'Remove this server from the application and add it again: applications that register themselves work here. Administrators: set CLIENT_METADATA_DOCUMENTS=true only if this server can reach the address above.',
      );
    case 'fetch_failed':
      return new UntrustedRedirectError(
        'Application could not be checked',
        error.message,
        'This server must download the document that describes the application, and could not. If outbound connections from this server are blocked, ask your administrator to set CLIENT_METADATA_DOCUMENTS=false: applications then register themselves instead. Otherwise try again in a minute.',
      );
    case 'busy':
      return new UntrustedRedirectError(
        'Too many requests',
        'Too many application descriptions were fetched for your network address.',
        `Try again in ${Math.ceil(Number(error.headers['Retry-After'] ?? '60') / 60)} minute(s).`,
        429,
        error.headers,
      );
    case 'invalid':
      return new UntrustedRedirectError(
        'Invalid application description',
        error.message,
        'The application publishes a description this server cannot accept: tell its developer.',
      );
  }
}

function shortUrl(url: string): string {
  return url.length > 200 ? `${url.slice(0, 200)}…` : url;
}
