/**
 * Record builders for the storage contract: valid by default, each field
 * overridable, every secret a fresh hash so tests never collide.
 */
import { hashSecret } from '../../../src/crypto/hash.js';
import { randomId, randomToken } from '../../../src/crypto/random.js';
import { SCOPES } from '../../../src/oauth/scopes.js';
import type {
  AuthorizationCodeRecord,
  ClientRecord,
  GrantRecord,
  SessionRecord,
  TokenRecord,
  UserRecord,
} from '../../../src/storage/ports.js';

export const T0 = Date.UTC(2026, 0, 1);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const RESOURCE = 'https://gateway.example/mcp';

export function freshHash(): string {
  return hashSecret(randomToken());
}

export function aUser(overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: randomId('usr'),
    username: `user-${randomId('n')}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
    disabled: false,
    createdAt: T0,
    ...overrides,
  };
}

export function aClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: randomId('cli'),
    kind: 'oauth',
    redirectUris: ['http://127.0.0.1/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'dcr',
    createdAt: T0,
    ...overrides,
  };
}

export function aGrant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: randomId('grt'),
    userId: randomId('usr'),
    clientId: randomId('cli'),
    scopes: [SCOPES.read, SCOPES.write],
    resource: RESOURCE,
    createdAt: T0,
    expiresAt: T0 + 90 * DAY,
    ...overrides,
  };
}

export function aCode(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash: freshHash(),
    clientId: randomId('cli'),
    userId: randomId('usr'),
    redirectUri: 'http://127.0.0.1:53117/callback',
    resource: RESOURCE,
    scopes: [SCOPES.read],
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    grantId: randomId('grt'),
    createdAt: T0,
    expiresAt: T0 + MINUTE,
    ...overrides,
  };
}

/** A token of `grant`, inheriting its client, user, scopes and resource. */
export function aToken(grant: GrantRecord, overrides: Partial<TokenRecord> = {}): TokenRecord {
  const kind = overrides.kind ?? 'access';
  return {
    tokenHash: freshHash(),
    kind,
    grantId: grant.id,
    clientId: grant.clientId,
    userId: grant.userId,
    scopes: grant.scopes,
    resource: grant.resource,
    issuedAt: T0,
    expiresAt: T0 + (kind === 'access' ? HOUR : 30 * DAY),
    ...overrides,
  };
}

export function aSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    idHash: freshHash(),
    userId: randomId('usr'),
    createdAt: T0,
    expiresAt: T0 + 12 * HOUR,
    ...overrides,
  };
}

/** Sorts by a string key, for comparing lists whose order the port leaves open. */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}
