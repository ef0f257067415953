import type { ClientRecord } from '../storage/ports.js';
import type { ClientDirectory } from './client-directory.js';
import { OAuthError } from './errors.js';
import { checkCodeChallenge } from './pkce.js';
import { matchRedirectUri } from './redirect-uri.js';
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
}

/**
 * The client or redirect URI cannot be trusted, so the user must see an
 * error page: redirecting would make us an open redirector.
 * @see RFC 6749 §4.1.2.1; draft-ietf-oauth-v2-1-13 §4.1.2.1
 */
export class UntrustedRedirectError extends Error {
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
    this.name = 'UntrustedRedirectError';
  }
}

export type AuthorizationRequestResult =
  | { ok: true; request: AuthorizationRequest }
  /** Errors after the redirect URI is trusted go back to the client. */
  | { ok: false; redirectUri: string; state?: string; error: OAuthError };

const SINGLE_VALUED = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
] as const;

/**
 * Validates an authorization request in the order the specs require: first
 * the client and redirect URI (failures throw {@link UntrustedRedirectError}),
 * then everything else (failures come back as a redirect error).
 * @see RFC 6749 §4.1.1, §4.1.2.1; RFC 7636 §4.4; RFC 8707 §2; RFC 8252 §7.3
 */
export async function validateAuthorizationRequest(
  params: URLSearchParams,
  deps: { clients: ClientDirectory; resource: string },
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
    client = await deps.clients.find(clientId);
  } catch (error) {
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
  if (redirectUri === undefined) {
    throw new UntrustedRedirectError(
      'Invalid redirect address',
      'The redirect_uri in this request is not one this application registered, so it was not followed.',
    );
  }

  const state = params.get('state') ?? undefined;
  const back = (error: OAuthError): AuthorizationRequestResult => ({
    ok: false,
    redirectUri,
    ...(state === undefined ? {} : { state }),
    error,
  });

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
  try {
    const codeChallenge = checkCodeChallenge(
      params.get('code_challenge') ?? undefined,
      params.get('code_challenge_method') ?? undefined,
    );
    const resource = resolveResource(params.get('resource') ?? undefined, deps.resource);
    const request: AuthorizationRequest = {
      client,
      redirectUri,
      redirectUriGiven: requestedRedirect !== null && requestedRedirect !== '',
      scopes: parseRequestedScopes(params.get('scope')),
      resource,
      codeChallenge,
    };
    if (state !== undefined) request.state = state;
    return { ok: true, request };
  } catch (error) {
    if (error instanceof OAuthError) return back(error);
    throw error;
  }
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
