import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { SCOPES } from '../../src/oauth/scopes.js';
import type { ClientRecord, GrantRecord, TokenRecord } from '../../src/storage/ports.js';
import { createCliHarness, occurrences, unprintable, type CliHarness } from './cli-harness.js';

const HOUR = 3_600_000;
const CREDENTIAL_OUTPUT =
  /^INTROSPECTION_CLIENT_ID=(rs_[A-Za-z0-9_-]{22})\nINTROSPECTION_CLIENT_SECRET=([A-Za-z0-9_-]{43})\n\(The secret is shown only now; it is stored hashed\.\)\n$/;

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});

afterEach(() => {
  cli.close();
});

function aClient(overrides: Partial<ClientRecord> = {}): ClientRecord {
  return {
    clientId: randomId('cli'),
    kind: 'oauth',
    clientName: 'Example Assistant',
    redirectUris: ['http://127.0.0.1/callback', 'https://app.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'dcr',
    createdAt: Date.now(),
    ...overrides,
  };
}

async function addResourceServer(name: string): Promise<{ clientId: string; secret: string }> {
  const result = await cli.run(['client', 'add-resource-server', name]);
  expect(result.code).toBe(0);
  const match = CREDENTIAL_OUTPUT.exec(result.stdout);
  expect(match).not.toBeNull();
  return { clientId: match?.[1] ?? '', secret: match?.[2] ?? '' };
}

/** A user, and a live grant of `clientId` with one access token. */
async function grantTo(clientId: string): Promise<{ grant: GrantRecord; access: TokenRecord }> {
  return cli.withStorage(async (storage) => {
    const now = Date.now();
    const userId = randomId('usr');
    await storage.users.create({
      id: userId,
      username: `u${randomToken(6)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, 'x')}`,
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo',
      disabled: false,
      createdAt: now,
    });
    const grant: GrantRecord = {
      id: randomId('grt'),
      userId,
      clientId,
      scopes: [SCOPES.read, SCOPES.write],
      resource: 'http://localhost:8080/mcp',
      createdAt: now,
      expiresAt: now + 24 * HOUR,
    };
    await storage.grants.create(grant);
    const access: TokenRecord = {
      tokenHash: hashSecret(randomToken()),
      kind: 'access',
      grantId: grant.id,
      clientId,
      userId,
      scopes: grant.scopes,
      resource: grant.resource,
      issuedAt: now,
      expiresAt: now + HOUR,
    };
    await storage.tokens.save([access]);
    return { grant, access };
  });
}

describe('client add-resource-server (RFC 7662 §2.1 introspection credential)', () => {
  it('prints the id and secret once, as environment lines', async () => {
    const { clientId, secret } = await addResourceServer('mcp-east');
    expect(clientId).not.toBe('');
    expect(secret).not.toBe('');
  });

  it('stores only the SHA-256 of the secret', async () => {
    const { clientId, secret } = await addResourceServer('mcp-east');
    const stored = await cli.withStorage((s) => s.clients.get(clientId));
    expect(stored).toMatchObject({
      clientId,
      kind: 'resource_server',
      clientName: 'mcp-east',
      secretHash: hashSecret(secret),
      tokenEndpointAuthMethod: 'client_secret_basic',
      source: 'cli',
      redirectUris: [],
      grantTypes: [],
    });
    const bytes = cli.dataBytes();
    expect(occurrences(bytes, secret)).toBe(0);
    expect(occurrences(bytes, hashSecret(secret))).toBeGreaterThan(0);
  });

  it('never prints the secret again: not in client list, not in the audit trail', async () => {
    const { clientId, secret } = await addResourceServer('mcp-east');
    const list = await cli.run(['client', 'list']);
    const audit = await cli.run(['audit', 'tail', '--json']);
    expect(list.stdout).toContain(clientId);
    expect(list.stdout).not.toContain(secret);
    expect(list.stdout).not.toContain(hashSecret(secret));
    expect(audit.stdout).not.toContain(secret);
    expect(occurrences(cli.allOutput(), secret)).toBe(1);
    const events = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'client.registered',
        outcome: 'success',
        clientId,
        ip: 'cli',
        detail: { kind: 'resource_server' },
      }),
    ]);
  });

  it('makes a new credential each time', async () => {
    const first = await addResourceServer('mcp-east');
    const second = await addResourceServer('mcp-east');
    expect(second.clientId).not.toBe(first.clientId);
    expect(second.secret).not.toBe(first.secret);
  });
});

describe('client add (an administrator vouches for the client; RFC 9700 §4.11.2)', () => {
  it('registers a public client with source cli and the redirect URIs given', async () => {
    const result = await cli.run([
      'client',
      'add',
      'Team Assistant',
      '--redirect-uri',
      'http://127.0.0.1/callback, https://app.example/cb',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const match = /^client_id=(mcp_[A-Za-z0-9_-]+)\n$/.exec(result.stdout);
    expect(match).not.toBeNull();
    const stored = await cli.withStorage((storage) => storage.clients.get(match?.[1] ?? ''));
    expect(stored).toMatchObject({
      kind: 'oauth',
      source: 'cli',
      clientName: 'Team Assistant',
      redirectUris: ['http://127.0.0.1/callback', 'https://app.example/cb'],
      tokenEndpointAuthMethod: 'none',
    });
    expect(stored?.secretHash).toBeUndefined();
  });

  it('prints the secret of a confidential client once and stores only its hash', async () => {
    const result = await cli.run([
      'client',
      'add',
      'CI job',
      '--redirect-uri',
      'https://ci.example/cb',
      '--confidential',
    ]);
    expect(result.code).toBe(0);
    const match =
      /^client_id=(mcp_[A-Za-z0-9_-]+)\nclient_secret=([A-Za-z0-9_-]{43})\n\(The secret is shown only now; it is stored hashed\.\)\n$/.exec(
        result.stdout,
      );
    expect(match).not.toBeNull();
    const stored = await cli.withStorage((storage) => storage.clients.get(match?.[1] ?? ''));
    expect(stored?.secretHash).toBe(hashSecret(match?.[2] ?? ''));
    expect(stored?.tokenEndpointAuthMethod).toBe('client_secret_basic');
  });

  it('refuses a redirect URI the registration policy refuses, and stores nothing', async () => {
    for (const uri of ['mailto:a@example.com', 'http://app.example/cb', 'intent://x']) {
      const result = await cli.run(['client', 'add', 'Bad', '--redirect-uri', uri]);
      expect(result.code, uri).toBe(2);
      expect(result.stderr, uri).toContain('invalid_redirect_uri');
    }
    expect(await cli.withStorage((storage) => storage.clients.list())).toEqual([]);
  });

  it('requires --redirect-uri', async () => {
    const result = await cli.run(['client', 'add', 'Nameless']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--redirect-uri is required');
  });
});

describe('client list', () => {
  it('prints a header only when there are no clients', async () => {
    const result = await cli.run(['client', 'list']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'CLIENT ID  KIND  NAME  AUTH  SOURCE  CREATED  REDIRECT URIS\n',
    });
  });

  it('shows each client with kind, name, auth method, source and redirect URIs', async () => {
    const client = aClient();
    await cli.withStorage((s) => s.clients.create(client));
    const { clientId } = await addResourceServer('mcp-east');
    const result = await cli.run(['client', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${client.clientId} +oauth +Example Assistant +none +dcr +\\S+Z +http://127\\.0\\.0\\.1/callback https://app\\.example/cb$`,
      ),
    );
    expect(lines[2]).toMatch(
      new RegExp(`^${clientId} +resource_server +mcp-east +client_secret_basic +cli +\\S+Z$`),
    );
  });

  it('shows control characters in a registered client name escaped, never raw', async () => {
    // A client name comes from anyone who can call /register.
    const hostile = 'Evil\u001b[2J\u001b]0;pwned\u0007\u202eNAME\u009b31m';
    await cli.withStorage((s) => s.clients.create(aClient({ clientName: hostile })));
    const result = await cli.run(['client', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Evil\\u001b[2J\\u001b]0;pwned\\u0007\\u202eNAME\\u009b31m');
    expect(unprintable(result.stdout)).toEqual([]);
  });
});

describe('client delete', () => {
  it('deletes the client and revokes every grant it holds', async () => {
    const client = aClient();
    const other = aClient();
    await cli.withStorage(async (s) => {
      await s.clients.create(client);
      await s.clients.create(other);
    });
    const first = await grantTo(client.clientId);
    const second = await grantTo(client.clientId);
    const kept = await grantTo(other.clientId);

    const result = await cli.run(['client', 'delete', client.clientId]);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `Deleted client ${client.clientId} and revoked its grants.\n`,
    });
    await cli.withStorage(async (storage) => {
      const now = Date.now();
      expect(await storage.clients.get(client.clientId)).toBeUndefined();
      for (const { grant, access } of [first, second]) {
        expect((await storage.grants.get(grant.id))?.revokedReason).toBe('client_deleted');
        expect(await storage.tokens.findActive(access.tokenHash, 'access', now)).toBeUndefined();
      }
      expect(await storage.clients.get(other.clientId)).toBeDefined();
      expect((await storage.grants.get(kept.grant.id))?.revokedAt).toBeUndefined();
      expect(await storage.tokens.findActive(kept.access.tokenHash, 'access', now)).toBeDefined();
    });
  });

  it('deletes a resource-server credential', async () => {
    const { clientId } = await addResourceServer('mcp-east');
    expect((await cli.run(['client', 'delete', clientId])).code).toBe(0);
    expect(await cli.withStorage((s) => s.clients.get(clientId))).toBeUndefined();
  });

  it('records client.deleted in the audit trail', async () => {
    const client = aClient();
    await cli.withStorage((s) => s.clients.create(client));
    await cli.run(['client', 'delete', client.clientId]);
    const { stdout } = await cli.run(['audit', 'tail', '-n', '1', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({
      type: 'client.deleted',
      outcome: 'success',
      clientId: client.clientId,
      ip: 'cli',
    });
  });

  it('exits 1 for an unknown id and records nothing', async () => {
    const result = await cli.run(['client', 'delete', 'cli_nope']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: no client with id cli_nope\n',
    });
    expect((await cli.run(['audit', 'tail', '--json'])).stdout).toBe('');
  });
});
