import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../src/audit/audit-events.js';
import { AuditLog, REDACTED_KEYS_DETAIL } from '../../src/audit/audit-log.js';
import { ManualClock } from '../../src/clock.js';
import { randomToken } from '../../src/crypto/random.js';
import type { Storage } from '../../src/storage/ports.js';
import { openSqliteStorage } from '../../src/storage/sqlite/open-sqlite-storage.js';
import { makeTempDir, type TempDir } from '../storage/sqlite/temp-dir.js';

describe('AuditLog (the audit trail over a real SQLite store)', () => {
  let dir: TempDir;
  let storage: Storage;
  let clock: ManualClock;
  let lines: object[];
  let audit: AuditLog;

  beforeEach(() => {
    dir = makeTempDir('jmg-audit-');
    storage = openSqliteStorage({ path: dir.file('audit.db') });
    clock = new ManualClock();
    lines = [];
    audit = new AuditLog(storage.audit, clock, (line) => lines.push(line));
  });

  afterEach(async () => {
    await storage.close();
    dir.remove();
  });

  it('records an event with a fresh aud_ id and the clock’s time', async () => {
    await audit.record({
      type: AUDIT_EVENT.tokenIssued,
      outcome: 'success',
      userId: 'usr_1',
      clientId: 'cli_1',
      grantId: 'grt_1',
      requestId: 'req_1',
      ip: '127.0.0.1',
      detail: { scope: 'jira:read', refresh: true },
    });
    clock.advance(1_000);
    await audit.record({ type: AUDIT_EVENT.loginFailed, outcome: 'failure', username: 'alice' });

    const [first, second] = await audit.tail(2);
    expect(first).toStrictEqual({
      id: expect.stringMatching(/^aud_[0-9a-z]{9}[A-Za-z0-9_-]{16}$/) as unknown,
      at: Date.UTC(2026, 0, 1),
      type: 'token.issued',
      outcome: 'success',
      userId: 'usr_1',
      clientId: 'cli_1',
      grantId: 'grt_1',
      requestId: 'req_1',
      ip: '127.0.0.1',
      detail: { scope: 'jira:read', refresh: true },
    });
    expect(second).toStrictEqual({
      id: expect.stringMatching(/^aud_/) as unknown,
      at: Date.UTC(2026, 0, 1) + 1_000,
      type: 'login.failed',
      outcome: 'failure',
      username: 'alice',
    });
    expect(first?.id).not.toBe(second?.id);
    // Ids sort in time order (the unique index appends at its end).
    expect([second?.id, first?.id].sort()).toStrictEqual([first?.id, second?.id]);
    expect(lines).toStrictEqual([]);
  });

  it('drops secret-looking detail, keeps the event, and names the dropped keys', async () => {
    const token = randomToken();
    await audit.record({
      type: AUDIT_EVENT.tokenRevoked,
      outcome: 'success',
      detail: { access_token: token, password: 'hunter2', note: token, kind: 'refresh' },
    });
    const [event] = await audit.tail(1);
    expect(event?.detail).toStrictEqual({
      kind: 'refresh',
      [REDACTED_KEYS_DETAIL]: 'access_token,password,note',
    });
    expect(JSON.stringify(event)).not.toContain(token);
    expect(JSON.stringify(event)).not.toContain('hunter2');
  });

  it('keeps the event when every detail key is dropped', async () => {
    await audit.record({
      type: AUDIT_EVENT.jiraCredentialsSet,
      outcome: 'success',
      detail: { apiToken: 'x' },
    });
    const [event] = await audit.tail(1);
    expect(event?.type).toBe('jira.credentials_set');
    expect(event?.detail).toStrictEqual({ [REDACTED_KEYS_DETAIL]: 'apiToken' });
  });

  it('logs the redacted event and re-throws when the write fails', async () => {
    const token = randomToken();
    await storage.close();
    const attempt = audit.record({
      type: AUDIT_EVENT.codeReplayed,
      outcome: 'failure',
      clientId: 'cli_1',
      detail: { code_verifier: token, reason: 'replayed' },
    });
    await expect(attempt).rejects.toThrow(/not open/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'audit write failed',
      event: {
        type: 'code.replayed',
        outcome: 'failure',
        clientId: 'cli_1',
        detail: { reason: 'replayed', [REDACTED_KEYS_DETAIL]: 'code_verifier' },
      },
      error: { name: 'TypeError' },
    });
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('tails the newest n events oldest first', async () => {
    for (const type of [
      AUDIT_EVENT.userCreated,
      AUDIT_EVENT.userDisabled,
      AUDIT_EVENT.userEnabled,
    ]) {
      await audit.record({ type, outcome: 'success', username: 'alice' });
      clock.advance(1);
    }
    expect((await audit.tail(2)).map((e) => e.type)).toStrictEqual([
      'user.disabled',
      'user.enabled',
    ]);
    expect(await audit.tail(0)).toStrictEqual([]);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a tail length of %s with RangeError', async (n) => {
    await expect(audit.tail(n)).rejects.toBeInstanceOf(RangeError);
  });
});

describe('AUDIT_EVENT (the fixed event vocabulary)', () => {
  it('names each event type once, as lower-case dotted names', () => {
    const names = Object.values(AUDIT_EVENT);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(32);
    for (const name of names) {
      expect(name).toMatch(/^[a-z]+(\.[a-z_]+)?$/);
    }
  });
});
