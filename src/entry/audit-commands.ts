/**
 * `audit tail`, `audit verify` and `purge`: reading, proving and trimming
 * the stored history.
 */
import { CHAIN_HASH_PATTERN } from '../audit/audit-chain.js';
import { verifyAuditChain, type ExpectedHead } from '../audit/audit-verify.js';
import type { AuditEvent, Storage } from '../storage/ports.js';
import { UsageError } from './args.js';
import { CLI_ORIGIN, date, printable, table, type AdminCommand } from './command-kit.js';
import { PROGRAM } from './io.js';
import { runPurge } from './purge-runner.js';

/**
 * Gives every event that names a user by id only the user's current name,
 * so the text and JSON views show people the same way. A name the event
 * recorded itself is kept (it is what the name was at the time).
 * @see docs/security.md#audit-chain
 */
export async function withUsernames(storage: Storage, events: AuditEvent[]): Promise<AuditEvent[]> {
  const names = new Map<string, string | undefined>();
  for (const e of events) {
    if (e.username === undefined && e.userId !== undefined && !names.has(e.userId)) {
      names.set(e.userId, (await storage.users.getById(e.userId))?.username);
    }
  }
  return events.map((e) => {
    const name = e.userId === undefined ? undefined : names.get(e.userId);
    return e.username === undefined && name !== undefined ? { ...e, username: name } : e;
  });
}

function auditRow(e: AuditEvent): string[] {
  const detail =
    e.detail === undefined
      ? ''
      : Object.entries(e.detail)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' ');
  return [
    date(e.at),
    e.type,
    e.outcome,
    e.username ?? e.userId ?? '-',
    e.clientId ?? '-',
    e.ip ?? '-',
    detail,
  ];
}

function parseExpect(raw: string | boolean | undefined): ExpectedHead | undefined {
  if (typeof raw !== 'string') return undefined;
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(raw);
  const hash = match?.[2];
  if (match?.[1] === undefined || hash === undefined || !CHAIN_HASH_PATTERN.test(hash)) {
    throw new UsageError('--expect takes SEQ:HASH, e.g. 42:<64 hex digits> from the purge log');
  }
  return { seq: Number(match[1]), hash };
}

export const AUDIT_COMMANDS: readonly AdminCommand[] = [
  {
    name: 'audit tail',
    usage: 'audit tail [-n N] [--json]',
    summary: 'show the newest audit events (with user names)',
    options: { n: { type: 'string', short: 'n' }, json: { type: 'boolean' } },
    arity: 0,
    async run(rt, _args, values, io) {
      const raw = typeof values.n === 'string' ? values.n : '20';
      // Digits only: Number() would also take ' ', '1e3' and '0x10'.
      const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
      if (!(n >= 1 && n <= 10_000)) throw new UsageError('-n takes a whole number from 1 to 10000');
      const events = await withUsernames(rt.storage, await rt.audit.tail(n));
      if (values.json === true) {
        io.stdout(
          events.map((e) => printable(JSON.stringify(e))).join('\n') +
            (events.length > 0 ? '\n' : ''),
        );
      } else {
        io.stdout(
          table([
            ['TIME', 'EVENT', 'OUTCOME', 'USER', 'CLIENT', 'IP', 'DETAIL'],
            ...events.map(auditRow),
          ]),
        );
      }
      return 0;
    },
  },
  {
    name: 'audit verify',
    usage: 'audit verify [--expect SEQ:HASH] [--json]',
    summary: 'prove the audit hash chain intact (exit 1 naming the first bad event)',
    options: { expect: { type: 'string' }, json: { type: 'boolean' } },
    arity: 0,
    async run(rt, _args, values, io) {
      const expect = parseExpect(values.expect);
      const result = await verifyAuditChain(rt.storage.audit, expect);
      if (values.json === true) {
        io.stdout(`${JSON.stringify(result)}\n`);
        return result.ok ? 0 : 1;
      }
      if (!result.ok) {
        io.stderr(
          `${PROGRAM}: audit trail broken at event ${result.seq}: ${result.message} (${result.checked} events before it verified)\n`,
        );
        return 1;
      }
      const { anchor } = result.state;
      const range =
        result.firstSeq === undefined ? 'no events' : `events ${result.firstSeq}-${result.lastSeq}`;
      const purged =
        anchor.movedAt === undefined
          ? ''
          : `; ${anchor.purged} older events removed by retention (last at ${date(anchor.movedAt)}), chain anchored at event ${anchor.seq}`;
      io.stdout(
        `Audit trail intact: ${result.checked} events verified (${range})${purged}.\nHead: ${result.lastSeq ?? anchor.seq}:${result.headHash}\n`,
      );
      return 0;
    },
  },
  {
    name: 'purge',
    usage: 'purge [--json]',
    summary:
      'delete expired codes, tokens, sessions, counters, old grants, unused clients and audit events past retention',
    options: { json: { type: 'boolean' } },
    arity: 0,
    async run(rt, _args, values, io, config) {
      const report = await runPurge({
        storage: rt.storage,
        audit: rt.audit,
        clock: rt.clock,
        settings: {
          unusedClientTtlSeconds: config.unusedClientTtlSeconds,
          auditRetentionDays: config.auditRetentionDays,
        },
        origin: CLI_ORIGIN.ip,
      });
      if (values.json === true) {
        io.stdout(`${JSON.stringify(report)}\n`);
        return 0;
      }
      const counts = Object.entries(report.deleted)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ');
      const audit =
        report.auditBefore === undefined
          ? 'audit events kept forever (AUDIT_RETENTION_DAYS=0)'
          : `audit events ${report.auditEvents} (recorded before ${date(report.auditBefore)})`;
      io.stdout(`Purged: ${counts}; ${audit}.\n`);
      return 0;
    },
  },
];
