import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.js';
import {
  authenticateClient,
  readClientCredentials,
} from '../../src/oauth/client-authentication.js';
import { OAuthError } from '../../src/oauth/errors.js';
import type { ClientRecord } from '../../src/storage/ports.js';

const NOW = Date.UTC(2026, 0, 1);

function client(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: 'c1',
    kind: 'oauth',
    redirectUris: ['https://app.example/cb'],
    grantTypes: ['authorization_code'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'client_secret_basic',
    secretHash: hashSecret('s3cret'),
    source: 'dcr',
    createdAt: NOW,
    ...overrides,
  };
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function failure(fn: () => unknown): OAuthError {
  try {
    fn();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('client authentication (RFC 6749 §2.3.1, §5.2)', () => {
  it('reads form-encoded Basic credentials', () => {
    expect(readClientCredentials(basic('a b', 'p:w%'), new URLSearchParams())).toEqual({
      clientId: 'a b',
      clientSecret: 'p:w%',
      method: 'client_secret_basic',
      basicHeader: true,
    });
  });

  it('treats Basic with an empty password as a public client', () => {
    expect(readClientCredentials(basic('pub', ''), new URLSearchParams())).toEqual({
      clientId: 'pub',
      method: 'none',
      basicHeader: true,
    });
  });

  it('answers a failed Basic attempt with a Basic challenge, even with an empty password', () => {
    // RFC 6749 §5.2: a client that used the Authorization header gets 401 and WWW-Authenticate.
    for (const header of [basic('c1', ''), 'Basic', 'basic  ']) {
      const error = failure(() =>
        authenticateClient(
          readClientCredentials(header.trim(), new URLSearchParams()) ?? {
            clientId: '',
            method: 'none',
          },
          client(),
          NOW,
        ),
      );
      expect(error.code).toBe('invalid_client');
      expect(error.status).toBe(401);
      expect(error.headers['WWW-Authenticate']).toBe('Basic realm="jira-mcp-gateway"');
    }
  });

  it('refuses two authentication methods at once', () => {
    const error = failure(() =>
      readClientCredentials(basic('c1', 'x'), new URLSearchParams({ client_secret: 'y' })),
    );
    expect(error.code).toBe('invalid_request');
  });

  it('refuses a header and body naming different clients', () => {
    const error = failure(() =>
      readClientCredentials(basic('c1', 'x'), new URLSearchParams({ client_id: 'c2' })),
    );
    expect(error.code).toBe('invalid_request');
  });

  it('answers a wrong secret with invalid_client 401 and a Basic challenge', () => {
    const error = failure(() =>
      authenticateClient(
        { clientId: 'c1', clientSecret: 'nope', method: 'client_secret_basic' },
        client(),
        NOW,
      ),
    );
    expect([error.code, error.status]).toEqual(['invalid_client', 401]);
    expect(error.headers['WWW-Authenticate']).toMatch(/^Basic /);
  });

  it('accepts the right secret by either method', () => {
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      expect(
        authenticateClient({ clientId: 'c1', clientSecret: 's3cret', method }, client(), NOW)
          .clientId,
      ).toBe('c1');
    }
  });

  it('refuses a confidential client that sends no secret', () => {
    expect(
      failure(() => authenticateClient({ clientId: 'c1', method: 'none' }, client(), NOW)).code,
    ).toBe('invalid_client');
  });

  it('refuses a public client that sends a secret', () => {
    const pub = client({ tokenEndpointAuthMethod: 'none' });
    delete pub.secretHash;
    expect(
      failure(() =>
        authenticateClient(
          { clientId: 'c1', clientSecret: 'x', method: 'client_secret_post' },
          pub,
          NOW,
        ),
      ).code,
    ).toBe('invalid_client');
  });

  it('refuses a resource server as an OAuth client and the reverse', () => {
    const rs = client({ kind: 'resource_server' });
    expect(
      failure(() =>
        authenticateClient(
          { clientId: 'c1', clientSecret: 's3cret', method: 'client_secret_basic' },
          rs,
          NOW,
        ),
      ).code,
    ).toBe('invalid_client');
    expect(
      failure(() =>
        authenticateClient(
          { clientId: 'c1', clientSecret: 's3cret', method: 'client_secret_basic' },
          client(),
          NOW,
          ['resource_server'],
        ),
      ).code,
    ).toBe('invalid_client');
  });

  it('refuses a resource server without a secret even if marked public', () => {
    const rs = client({ kind: 'resource_server', tokenEndpointAuthMethod: 'none' });
    expect(
      failure(() =>
        authenticateClient({ clientId: 'c1', method: 'none' }, rs, NOW, ['resource_server']),
      ).code,
    ).toBe('invalid_client');
  });

  it('refuses an unknown client and an expired secret', () => {
    expect(
      failure(() =>
        authenticateClient(
          { clientId: 'x', clientSecret: 's', method: 'client_secret_post' },
          undefined,
          NOW,
        ),
      ).code,
    ).toBe('invalid_client');
    const expired = client({ secretExpiresAt: NOW - 1 });
    expect(
      failure(() =>
        authenticateClient(
          { clientId: 'c1', clientSecret: 's3cret', method: 'client_secret_post' },
          expired,
          NOW,
        ),
      ).code,
    ).toBe('invalid_client');
  });
});
