/**
 * A small hand-written OpenID provider on 127.0.0.1 whose token endpoint
 * answers what the test scripts: a good ID token, or one from another
 * issuer, for another audience, expired, not yet valid, with another nonce.
 * It serves discovery and JWKS like a real provider and signs with RS256
 * (node:crypto), so the gateway's relying party (openid-client) checks
 * each token exactly as it would a real one. The happy path and the
 * interactive cases use the real oidc-provider (oidc-provider.ts).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-servers.js';

export type IdTokenScript =
  | 'good'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-nonce'
  | 'bad-signature'
  | 'token-error'
  | 'token-500';

export interface ScriptedTokenRequest {
  form: URLSearchParams;
  authorization: string | undefined;
}

export interface ScriptedOpenIdProvider {
  issuer: string;
  clientId: string;
  /** What the next token requests answer. */
  script: IdTokenScript;
  /** Claims merged into the next ID tokens (sub, email, groups, …). */
  claims: Record<string, unknown>;
  /** Whether the metadata announces RFC 9207 `iss` in authorization responses. */
  readonly tokenRequests: ScriptedTokenRequest[];
  /** Nonces seen at /authorize, keyed by state (the gateway sends both there). */
  readonly authorizeRequests: URLSearchParams[];
  close(): Promise<void>;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function jws(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), key))}`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the scripted provider; `clientId` is the audience of a good token. */
export async function startScriptedOpenIdProvider(
  clientId = 'gateway-client',
): Promise<ScriptedOpenIdProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const kid = 'k1';
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let issuer = '';
  const tokenRequests: ScriptedTokenRequest[] = [];
  const authorizeRequests: URLSearchParams[] = [];
  const state: { script: IdTokenScript; claims: Record<string, unknown> } = {
    script: 'good',
    claims: { sub: 'person-1', email: 'pat@acme.example', email_verified: true, name: 'Pat Doe' },
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const json = (status: number, body: unknown): void => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
      });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
        authorization_response_iss_parameter_supported: true,
      });
      return;
    }
    if (url.pathname === '/jwks') {
      json(200, { keys: [jwk] });
      return;
    }
    if (url.pathname === '/authorize') {
      authorizeRequests.push(url.searchParams);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', 'scripted-code');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      back.searchParams.set('iss', issuer);
      response.writeHead(303, { location: back.href });
      response.end();
      return;
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      void readBody(request).then((body) => {
        const form = new URLSearchParams(body);
        tokenRequests.push({ form, authorization: request.headers.authorization });
        const nonce = authorizeRequests.at(-1)?.get('nonce') ?? '';
        const now = Math.floor(Date.now() / 1000);
        const script = state.script;
        if (script === 'token-error') {
          json(400, { error: 'invalid_grant', error_description: 'code expired' });
          return;
        }
        if (script === 'token-500') {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end('internal error');
          return;
        }
        const claims: Record<string, unknown> = {
          iss: script === 'wrong-issuer' ? 'https://attacker.example' : issuer,
          aud: script === 'wrong-audience' ? 'another-client' : clientId,
          iat: script === 'expired' ? now - 3600 : now,
          exp: script === 'expired' ? now - 1800 : now + 300,
          nonce: script === 'wrong-nonce' ? 'not-the-nonce-that-was-sent' : nonce,
          ...(script === 'not-yet-valid' ? { nbf: now + 1800 } : {}),
          ...state.claims,
        };
        json(200, {
          access_token: 'scripted-access-token',
          token_type: 'Bearer',
          expires_in: 300,
          id_token: jws(claims, script === 'bad-signature' ? stranger : privateKey, kid),
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  const port = await listenOnLoopback(server);
  issuer = `http://127.0.0.1:${String(port)}`;
  return {
    issuer,
    clientId,
    get script() {
      return state.script;
    },
    set script(value: IdTokenScript) {
      state.script = value;
    },
    get claims() {
      return state.claims;
    },
    set claims(value: Record<string, unknown>) {
      state.claims = value;
    },
    tokenRequests,
    authorizeRequests,
    close: () => closeServer(server),
  };
}
