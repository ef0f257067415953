import type { Clock } from '../clock.js';
import { timeOrderedId } from '../crypto/random.js';
import type { AuditEvent, AuditRepository } from '../storage/ports.js';
import type { AuditEventType } from './audit-events.js';
import { redactDetail } from './redact-detail.js';

/** What a caller records; the log assigns `id` and `at`. */
export type AuditRecordInput = Omit<AuditEvent, 'id' | 'at' | 'type'> & { type: AuditEventType };

/** Receives one structured log line. */
export type AuditLogger = (line: object) => void;

/** Detail key under which the names of dropped keys are recorded. */
export const REDACTED_KEYS_DETAIL = 'redacted';

const stderrLogger: AuditLogger = (line) => {
  process.stderr.write(`${JSON.stringify(line)}\n`);
};

function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

/**
 * The audit trail service: who did what, through which client, with what
 * outcome. Secret-looking detail never reaches storage, and a failed write is
 * logged (with the whole, already redacted, event) and re-thrown, so an event
 * is never silently lost.
 * @see RFC 6749 §10.3
 */
export class AuditLog {
  readonly #repo: AuditRepository;
  readonly #clock: Clock;
  readonly #logger: AuditLogger;

  constructor(repo: AuditRepository, clock: Clock, logger: AuditLogger = stderrLogger) {
    this.#repo = repo;
    this.#clock = clock;
    this.#logger = logger;
  }

  /**
   * Records one event with a fresh id and the clock's time. Detail entries
   * that look like secrets are dropped and their key names listed under
   * `detail.redacted`; the event itself is always kept.
   * @see RFC 6749 §10.3
   */
  async record(input: AuditRecordInput): Promise<void> {
    const { detail, ...fields } = input;
    const at = this.#clock.now();
    // Time-ordered ids keep the trail's unique index appending at its end.
    const event: AuditEvent = { ...fields, id: timeOrderedId('aud', at), at };
    if (detail !== undefined) {
      const redacted = redactDetail(detail);
      event.detail =
        redacted.dropped.length === 0
          ? redacted.detail
          : { ...redacted.detail, [REDACTED_KEYS_DETAIL]: redacted.dropped.join(',') };
    }
    try {
      await this.#repo.append(event);
    } catch (error) {
      this.#logger({
        level: 'error',
        msg: 'audit write failed',
        event,
        error: errorSummary(error),
      });
      throw error;
    }
  }

  /**
   * The newest `n` events, oldest first.
   * @see docs/storage-schema.md#audit_events
   */
  tail(n: number): Promise<AuditEvent[]> {
    if (!Number.isSafeInteger(n) || n < 0) {
      return Promise.reject(new RangeError('tail length must be a non-negative integer'));
    }
    return this.#repo.tail(n);
  }
}
