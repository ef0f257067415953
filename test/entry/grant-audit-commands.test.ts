import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.js';
import { randomId, randomToken } from '../../src/crypto/random.js';
import { SCOPES } from '../../src/oauth/scopes.js';
import type { AuditEvent, GrantRecord, Storage, TokenRecord } from '../../src/storage/ports.js';
import { createCliHarness, unprintable, type CliHarness } from './cli-harness.js';

const HOUR = 3_600_000;
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});

afterEach(() => {
  cli.close();
});

interface World {
  aliceId: string;
  bobId: string;
  clientId: string;
  alice: GrantRecord;
  bob: GrantRecord;
  expired: GrantRecord;
  access: TokenRecord;
}

/** Users alice and bob, one client, a live grant each and an expired one of alice's. */
async function seed(storage: Storage): Promise<World> {
  const now = Date.now();
  const aliceId = randomId('usr');
  const bobId = randomId('usr');
  for (const [id, username] of [
    [aliceId, 'alice'],
    [bobId, 'bob'],
  ] as const) {
    await storage.users.create({
      id,
      username,
      passwordHash: PASSWORD_HASH,
      disabled: false,
      createdAt: now,
    });
  }
  const clientId = randomId('cli');
  await storage.clients.create({
    clientId,
    kind: 'oauth',
    redirectUris: ['http://127.0.0.1/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    source: 'dcr',
    createdAt: now,
  });
  const grant = (userId: string, createdAt: number, expiresAt: number): GrantRecord => ({
    id: randomId('grt'),
    userId,
    clientId,
    scopes: [SCOPES.read, SCOPES.write],
    resource: 'http://localhost:8080/mcp',
    createdAt,
    expiresAt,
  });
  const alice = grant(aliceId, now, now + 24 * HOUR);
  const bob = grant(bobId, now, now + 24 * HOUR);
  const expired = grant(aliceId, now - 48 * HOUR, now - 24 * HOUR);
  for (const g of [alice, bob, expired]) await storage.grants.create(g);
  const access: TokenRecord = {
    tokenHash: hashSecret(randomToken()),
    kind: 'access',
    grantId: alice.id,
    clientId,
    userId: aliceId,
    scopes: alice.scopes,
    resource: alice.resource,
    issuedAt: now,
    expiresAt: now + HOUR,
  };
  await storage.tokens.save([access]);
  return { aliceId, bobId, clientId, alice, bob, expired, access };
}

function rows(stdout: string): string[][] {
  return stdout
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/ {2,}/));
}

describe('grant list', () => {
  it('prints a header only when there are no grants', async () => {
    const result = await cli.run(['grant', 'list']);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: 'GRANT ID  USER  CLIENT  SCOPES  STATE  CREATED  EXPIRES\n',
    });
  });

  it('lists every grant with its user name, client, scopes and state', async () => {
    const world = await cli.withStorage(seed);
    const result = await cli.run(['grant', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^GRANT ID +USER +CLIENT +SCOPES +STATE +CREATED +EXPIRES$/,
    );
    const byId = new Map(rows(result.stdout).map((r) => [r[0], r.slice(1, 5)]));
    expect(byId).toEqual(
      new Map([
        [world.alice.id, ['alice', world.clientId, 'jira:read jira:write', 'active']],
        [world.bob.id, ['bob', world.clientId, 'jira:read jira:write', 'active']],
        [world.expired.id, ['alice', world.clientId, 'jira:read jira:write', 'expired']],
      ]),
    );
  });

  it('--user shows only that user’s grants, whatever the case of the name', async () => {
    const world = await cli.withStorage(seed);
    const result = await cli.run(['grant', 'list', '--user', 'Alice']);
    expect(result.code).toBe(0);
    expect(
      rows(result.stdout)
        .map((r) => r[0])
        .sort(),
    ).toEqual([world.alice.id, world.expired.id].sort());
  });

  it('--user exits 1 for an unknown user', async () => {
    const result = await cli.run(['grant', 'list', '--user', 'nobody']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: no user named nobody\n',
    });
  });
});

describe('grant revoke (RFC 7009 §2.1: a grant and all its tokens)', () => {
  it('revokes the grant and its tokens, and the list shows why', async () => {
    const world = await cli.withStorage(seed);
    const result = await cli.run(['grant', 'revoke', world.alice.id]);
    expect(result).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `Revoked grant ${world.alice.id}.\n`,
    });
    await cli.withStorage(async (storage) => {
      expect((await storage.grants.get(world.alice.id))?.revokedReason).toBe(
        'revoked by administrator',
      );
      expect(
        await storage.tokens.findActive(world.access.tokenHash, 'access', Date.now()),
      ).toBeUndefined();
      expect((await storage.grants.get(world.bob.id))?.revokedAt).toBeUndefined();
    });
    const list = await cli.run(['grant', 'list', '--user', 'alice']);
    const state = new Map(rows(list.stdout).map((r) => [r[0], r[4]]));
    expect(state.get(world.alice.id)).toBe('revoked (revoked by administrator)');
  });

  it('writes a grant.revoked audit record naming grant, user and client', async () => {
    const world = await cli.withStorage(seed);
    await cli.run(['grant', 'revoke', world.alice.id]);
    const { stdout } = await cli.run(['audit', 'tail', '--json']);
    const events = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditEvent);
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^aud_/) as unknown,
        at: expect.any(Number) as unknown,
        type: 'grant.revoked',
        outcome: 'success',
        grantId: world.alice.id,
        userId: world.aliceId,
        // Resolved from the id: the event itself names the user by id only.
        username: 'alice',
        clientId: world.clientId,
        ip: 'cli',
      },
    ]);
  });

  it('exits 1 for an unknown id and records nothing', async () => {
    const result = await cli.run(['grant', 'revoke', 'grt_nope']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'jira-mcp-gateway: no grant with id grt_nope\n',
    });
    expect((await cli.run(['audit', 'tail', '--json'])).stdout).toBe('');
  });
});

describe('audit tail', () => {
  /** `count` events, one second apart, oldest first. */
  async function appendEvents(count: number): Promise<AuditEvent[]> {
    const start = Date.UTC(2026, 0, 1);
    const events = Array.from({ length: count }, (_, i): AuditEvent => ({
      id: `aud_${String(i).padStart(3, '0')}`,
      at: start + i * 1000,
      type: 'tool.called',
      outcome: i % 2 === 0 ? 'success' : 'failure',
      userId: 'usr_1',
      username: 'alice',
      clientId: 'cli_1',
      ip: '203.0.113.7',
      detail: { tool: `tool_${i}`, ok: i % 2 === 0 },
    }));
    await cli.withStorage(async (storage) => {
      for (const event of events) await storage.audit.append(event);
    });
    return events;
  }

  it('--json prints the newest N events as JSON lines, oldest first', async () => {
    const events = await appendEvents(5);
    const result = await cli.run(['audit', 'tail', '-n', '3', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.endsWith('\n')).toBe(true);
    const lines = result.stdout.slice(0, -1).split('\n');
    expect(lines.map((l) => JSON.parse(l) as AuditEvent)).toEqual(events.slice(2));
  });

  it('accepts -nN', async () => {
    const events = await appendEvents(3);
    const result = await cli.run(['audit', 'tail', '-n1', '--json']);
    expect(JSON.parse(result.stdout)).toEqual(events[2]);
  });

  it('shows the newest 20 by default', async () => {
    const events = await appendEvents(25);
    const result = await cli.run(['audit', 'tail', '--json']);
    const ids = result.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as AuditEvent).id);
    expect(ids).toEqual(events.slice(5).map((e) => e.id));
  });

  it('prints a table with time, event, outcome, user, client, IP and detail', async () => {
    await appendEvents(2);
    const result = await cli.run(['audit', 'tail', '-n', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'TIME                      EVENT        OUTCOME  USER   CLIENT  IP           DETAIL',
        '2026-01-01T00:00:00.000Z  tool.called  success  alice  cli_1   203.0.113.7  tool=tool_0 ok=true',
        '2026-01-01T00:00:01.000Z  tool.called  failure  alice  cli_1   203.0.113.7  tool=tool_1 ok=false',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing in JSON mode when the trail is empty', async () => {
    expect(await cli.run(['audit', 'tail', '--json'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('escapes control characters that came from the network, in both formats', async () => {
    const hostile = 'mallory\u001b[2J\u009b1m\u202e';
    await cli.withStorage((s) =>
      s.audit.append({
        id: 'aud_x',
        at: Date.UTC(2026, 0, 1),
        type: 'login.failed',
        outcome: 'failure',
        ip: '203.0.113.7',
        detail: { attempted: hostile },
      }),
    );
    const text = await cli.run(['audit', 'tail']);
    expect(text.stdout).toContain('attempted=mallory\\u001b[2J\\u009b1m\\u202e');
    const json = await cli.run(['audit', 'tail', '--json']);
    for (const output of [text.stdout, json.stdout]) {
      expect(unprintable(output)).toEqual([]);
    }
    // The escapes are JSON escapes: the line still parses to the stored value.
    expect((JSON.parse(json.stdout) as AuditEvent).detail).toEqual({ attempted: hostile });
  });

  it.each(['0', 'abc', '1e3', '0x10', '10001', ' 5', ''])('exits 2 for -n %j', async (n) => {
    const result = await cli.run(['audit', 'tail', '-n', n]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      'jira-mcp-gateway: -n takes a whole number from 1 to 10000',
    );
  });

  it.each([[['-n', '-1']], [['-n']]])('exits 2 for %j', async (flags) => {
    const result = await cli.run(['audit', 'tail', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
