/**
 * The one place the PostgreSQL adapter talks to `pg`: a pool whose BIGINT
 * columns come back as numbers, transactions with a bounded retry on
 * deadlock, and unique violations turned into the port's `ConflictError`.
 */
import pg from 'pg';
import type { CustomTypesConfig, Pool, PoolClient, QueryResultRow } from 'pg';
import { ConflictError } from '../ports.js';

/** What repositories run statements on: the pool, or one transaction's client. */
export type Queryable = Pick<Pool, 'query'> | PoolClient;

const INT8_OID = 20;

/**
 * BIGINT (epoch milliseconds, counts) as a JavaScript number. Every value
 * the gateway stores fits a double exactly; one that does not is a damaged
 * row, refused rather than rounded.
 */
function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError('a BIGINT column holds a value outside the safe integer range');
  }
  return parsed;
}

/** pg-types declares its known oids as an enum, but looks up any oid. */
const builtinParser = pg.types.getTypeParser as (oid: number, format: 'text' | 'binary') => unknown;

/**
 * Per-pool parsers, so the process-wide `pg.types` stay as other code
 * expects them: INT8 (oid 20) in text format becomes a number, every other
 * type keeps `pg`'s own parser.
 */
export const PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    const parse = builtinParser(oid, format ?? 'text');
    // pg's own parsers take the raw value and return the decoded one.
    return parse as (value: string) => unknown;
  }) as CustomTypesConfig['getTypeParser'],
};

const UNIQUE_VIOLATION = '23505';
/** Deadlock detected, serialization failure: the transaction did nothing and may run again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Rethrows a unique violation as `ConflictError` (the port's promise for a
 * taken id, username, hash), anything else unchanged.
 * @see https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
export function conflictOr(error: unknown, message: string): never {
  if (sqlState(error) === UNIQUE_VIOLATION) throw new ConflictError(message);
  throw error;
}

/** Runs one statement and returns its rows. */
export async function rows<R extends QueryResultRow>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<R[]> {
  const result = await db.query<R>(sql, params as unknown[]);
  return result.rows;
}

/** Runs one statement and returns how many rows it changed. */
export async function changes(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<number> {
  const result = await db.query(sql, params as unknown[]);
  return result.rowCount ?? 0;
}

/**
 * Runs `work` in one READ COMMITTED transaction on one pooled connection:
 * committed when it resolves, rolled back when it throws. Row locks taken
 * inside (`SELECT … FOR UPDATE`) make a read and the writes that depend on
 * it one decision across every process sharing the database. A deadlock or
 * serialization failure rolls everything back, so the work runs again (a
 * few times) rather than failing a request.
 * @see https://www.postgresql.org/docs/15/transaction-iso.html#XACT-READ-COMMITTED
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
      }
      if (broken === undefined && attempt < MAX_ATTEMPTS && RETRYABLE.has(sqlState(error) ?? '')) {
        continue;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
