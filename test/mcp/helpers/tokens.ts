/**
 * Mints access tokens the way the authorization server stores them (grant +
 * hashed token records through the storage ports), so the MCP tests need no
 * OAuth flow. The lead's end-to-end suites use the real flow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from '../../../src/clock.js';
import { hashSecret } from '../../../src/crypto/hash.js';
import { randomId, randomToken } from '../../../src/crypto/random.js';
import type { Scope } from '../../../src/oauth/scopes.js';
import type { Storage, TokenKind } from '../../../src/storage/ports.js';
import { openSqliteStorage } from '../../../src/storage/sqlite/open-sqlite-storage.js';

export interface TempStorage {
  storage: Storage;
  cleanup(): Promise<void>;
}

/** A real SQLite storage in a fresh temp directory. */
export function openTempStorage(): TempStorage {
  const dir = mkdtempSync(path.join(tmpdir(), 'jmg-mcp-'));
  const storage = openSqliteStorage({ path: path.join(dir, 'gateway.db') });
  return {
    storage,
    async cleanup() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Principal {
  userId: string;
  username: string;
  clientId: string;
}

/** Creates a user and a public OAuth client. */
export async function createPrincipal(
  storage: Storage,
  clock: Clock,
  username = 'alice',
): Promise<Principal> {
  const userId = randomId('usr');
  const clientId = randomId('mcp');
  await storage.users.create({
    id: userId,
    username,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
    disabled: false,
    createdAt: clock.now(),
  });
  await storage.clients.create({
    clientId,
    kind: 'oauth',
    clientName: 'Test MCP client',
    redirectUris: ['http://127.0.0.1/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'dcr',
    createdAt: clock.now(),
  });
  return { userId, username, clientId };
}

export interface MintOptions {
  scopes: Scope[];
  resource: string;
  ttlMs?: number;
  kind?: TokenKind;
}

export interface MintedToken {
  token: string;
  grantId: string;
  tokenHash: string;
  expiresAt: number;
}

/** Stores a grant and one token in it, exactly as /token would. */
export async function mintToken(
  storage: Storage,
  clock: Clock,
  principal: Principal,
  options: MintOptions,
): Promise<MintedToken> {
  const now = clock.now();
  const token = randomToken();
  const grantId = randomId('grt');
  const expiresAt = now + (options.ttlMs ?? 3_600_000);
  await storage.grants.create({
    id: grantId,
    userId: principal.userId,
    clientId: principal.clientId,
    scopes: options.scopes,
    resource: options.resource,
    createdAt: now,
    expiresAt: now + 90 * 24 * 3_600_000,
  });
  const tokenHash = hashSecret(token);
  await storage.tokens.save([
    {
      tokenHash,
      kind: options.kind ?? 'access',
      grantId,
      clientId: principal.clientId,
      userId: principal.userId,
      scopes: options.scopes,
      resource: options.resource,
      issuedAt: now,
      expiresAt,
    },
  ]);
  return { token, grantId, tokenHash, expiresAt };
}
