import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/storage/ports.js';
import { createCliHarness, type CliHarness } from './cli-harness.js';

const DAY = 24 * 3_600_000;
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo';

let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});

afterEach(() => {
  cli.close();
});

/** Alice, and three events: one naming her by id only, one by name, one without a user. */
async function seedTrail(): Promise<void> {
  await cli.withStorage(async (storage) => {
    const now = Date.now();
    await storage.users.create({
      id: 'usr_alice',
      username: 'alice',
      passwordHash: PASSWORD_HASH,
      disabled: false,
      createdAt: now,
    });
    const events: AuditEvent[] = [
      { id: 'aud_1', at: now, type: 'token.issued', outcome: 'success', userId: 'usr_alice' },
      {
        id: 'aud_2',
        at: now + 1,
        type: 'login.failed',
        outcome: 'failure',
        userId: 'usr_gone',
        username: 'mallory',
      },
      { id: 'aud_3', at: now + 2, type: 'tool.called', outcome: 'success', userId: 'usr_gone' },
    ];
    for (const event of events) await storage.audit.append(event);
  });
}

function tamper(sql: string): void {
  const raw = new Database(cli.databasePath);
  try {
    raw.exec(`DROP TRIGGER audit_events_no_update; ${sql}`);
  } finally {
    raw.close();
  }
}

describe('audit tail', () => {
  it('shows user names, not ids, alike in text and --json', async () => {
    await seedTrail();
    const text = await cli.run(['audit', 'tail']);
    expect(text.code).toBe(0);
    const users = text.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/ {2,}/)[3]);
    // An id nobody has any more stays an id: there is no name to show.
    expect(users).toStrictEqual(['alice', 'mallory', 'usr_gone']);
    const json = await cli.run(['audit', 'tail', '--json']);
    const parsed = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(parsed.map((e) => [e.userId, e.username])).toStrictEqual([
      ['usr_alice', 'alice'],
      ['usr_gone', 'mallory'],
      ['usr_gone', undefined],
    ]);
  });
});

describe('audit verify (docs/security.md#audit-chain)', () => {
  it('exits 0 with a summary and the head when the chain is intact', async () => {
    await seedTrail();
    const result = await cli.run(['audit', 'verify']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^Audit trail intact: 3 events verified \(events 1-3\)\.\nHead: 3:[0-9a-f]{64}\n$/,
    );
  });

  it('exits 1 naming the first altered event', async () => {
    await seedTrail();
    tamper("UPDATE audit_events SET type = 'tool.denied' WHERE seq = 2;");
    const result = await cli.run(['audit', 'verify']);
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'jira-mcp-gateway: audit trail broken at event 2: event 2 was altered (1 events before it verified)\n',
    });
    const json = await cli.run(['audit', 'verify', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toStrictEqual({
      ok: false,
      seq: 2,
      problem: 'altered',
      message: 'event 2 was altered',
      checked: 1,
    });
  });

  it('checks a head recorded elsewhere with --expect', async () => {
    await seedTrail();
    const head = /Head: (\d+:[0-9a-f]{64})/.exec((await cli.run(['audit', 'verify'])).stdout)?.[1];
    expect((await cli.run(['audit', 'verify', '--expect', head ?? ''])).code).toBe(0);
    const wrong = `2:${'a'.repeat(64)}`;
    expect(await cli.run(['audit', 'verify', '--expect', wrong])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('event 2 does not carry the expected hash') as unknown,
    });
  });

  it('refuses a malformed --expect as a usage error', async () => {
    const result = await cli.run(['audit', 'verify', '--expect', '2:xyz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--expect takes SEQ:HASH');
  });
});

describe('purge', () => {
  it('deletes ended grants and unused registered clients, prints the counts, and audits it', async () => {
    await cli.withStorage(async (storage) => {
      const long = Date.now() - 60 * DAY;
      await storage.clients.create({
        clientId: 'cli_unused',
        kind: 'oauth',
        redirectUris: ['http://127.0.0.1/callback'],
        grantTypes: ['authorization_code'],
        responseTypes: ['code'],
        tokenEndpointAuthMethod: 'none',
        source: 'dcr',
        createdAt: long,
      });
      await storage.grants.create({
        id: 'grt_old',
        userId: 'usr_1',
        clientId: 'cli_other',
        scopes: [],
        resource: 'http://localhost:8080/mcp',
        createdAt: long,
        expiresAt: long + DAY,
      });
    });
    const result = await cli.run(['purge']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Purged: codes 0, tokens 0, sessions 0, counters 0, grants 1, clients 1; audit events 0 \(recorded before \d{4}-\d\d-\d\dT[\d:.]+Z\)\.\n$/,
    );
    const tail = await cli.run(['audit', 'tail', '--json']);
    const [event] = tail.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(event).toMatchObject({
      type: 'purge.completed',
      ip: 'cli',
      detail: { grants: 1, clients: 1 },
    });
    const none = await cli.run(['purge'], { env: { AUDIT_RETENTION_DAYS: '0' } });
    expect(none.stdout).toBe(
      'Purged: codes 0, tokens 0, sessions 0, counters 0, grants 0, clients 0; audit events kept forever (AUDIT_RETENTION_DAYS=0).\n',
    );
  });

  it('shows its usage with --help', async () => {
    const result = await cli.run(['purge', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: jira-mcp-gateway purge \[--json\]\n/);
  });
});

describe('purge usage errors', () => {
  it('points at its own help for an unexpected argument', async () => {
    const result = await cli.run(['purge', 'now']);
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        "jira-mcp-gateway: unexpected argument; usage: jira-mcp-gateway purge [--json]\nRun 'jira-mcp-gateway purge --help' for usage.\n",
    });
  });
});
