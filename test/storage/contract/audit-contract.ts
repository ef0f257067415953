import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../src/storage/ports.js';
import { SECOND, T0 } from './records.js';
import type { StorageHandle } from './storage-handle.js';

function anEvent(n: number): AuditEvent {
  return { id: `aud_${n}`, at: T0 + n * SECOND, type: 'token.issued', outcome: 'success' };
}

/** AuditRepository: an append-only trail read from its newest end. */
export function describeAuditContract(handle: StorageHandle): void {
  describe('audit trail (AuditRepository)', () => {
    it('returns the newest N events, oldest first', async () => {
      const { audit } = handle.storage;
      const events = [0, 1, 2, 3, 4].map(anEvent);
      for (const event of events) await audit.append(event);
      expect(await audit.tail(3)).toStrictEqual(events.slice(2));
      expect(await audit.tail(1)).toStrictEqual(events.slice(4));
      expect(await audit.tail(100)).toStrictEqual(events);
    });

    it('orders the trail by arrival (the chain), not by the time an event carries', async () => {
      const { audit } = handle.storage;
      const events = [anEvent(3), anEvent(0), anEvent(4)];
      for (const event of events) await audit.append(event);
      expect(await audit.tail(3)).toStrictEqual(events);
    });

    it('returns nothing for a limit of 0 or an empty trail', async () => {
      const { audit } = handle.storage;
      expect(await audit.tail(10)).toStrictEqual([]);
      await audit.append(anEvent(1));
      expect(await audit.tail(0)).toStrictEqual([]);
    });

    it('keeps every optional field and detail value type exactly', async () => {
      const { audit } = handle.storage;
      const full: AuditEvent = {
        id: 'aud_full',
        at: T0,
        type: 'tool.called',
        outcome: 'failure',
        userId: 'usr_1',
        username: 'alice',
        clientId: 'cli_1',
        grantId: 'grt_1',
        requestId: 'req_1',
        ip: '2001:db8::1',
        detail: {
          tool: 'jira_search',
          count: 3,
          ratio: 0.5,
          ok: false,
          missing: null,
          note: 'é"\n',
        },
      };
      const minimal = anEvent(1);
      await audit.append(full);
      await audit.append(minimal);
      expect(await audit.tail(2)).toStrictEqual([full, minimal]);
    });
  });
}
