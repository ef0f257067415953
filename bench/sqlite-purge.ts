/**
 * How long one purge batch holds SQLite's write lock, and what an audit
 * append costs with the hash chain, on a real file.
 *
 *   node --import tsx bench/sqlite-purge.ts [--rows 100000] [--appends 5000]
 *
 * Fills a file with `rows` expired tokens (in grants that are still live)
 * and `rows` audit events, then times every batch of the purge (each batch
 * is one group-commit transaction: the time other writers may wait) and,
 * separately, `appends` sequential audit appends (each its own commit).
 * Prints one line per measurement.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { purgeCutoffs } from '../src/storage/purge-policy.js';
import { PURGE_BATCH_SIZE } from '../src/storage/purge.js';
import { openSqliteStorage } from '../src/storage/sqlite/open-sqlite-storage.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    appends: { type: 'string', default: '5000' },
  },
});
const rows = Number(values.rows);
const appends = Number(values.appends);
const DAY = 86_400_000;
const NOW = Date.UTC(2027, 0, 1);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

function summary(name: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const total = ms.reduce((a, b) => a + b, 0);
  return `${name}: n=${ms.length} p50=${percentile(sorted, 50).toFixed(2)}ms p99=${percentile(sorted, 99).toFixed(2)}ms max=${(sorted.at(-1) ?? NaN).toFixed(2)}ms total=${total.toFixed(0)}ms`;
}

const dir = mkdtempSync(path.join(tmpdir(), 'jmg-bench-purge-'));
try {
  const file = path.join(dir, 'gateway.db');
  const storage = openSqliteStorage({ path: file, synchronous: 'full' });
  const appendMs: number[] = [];
  for (let n = 0; n < appends; n += 1) {
    const start = performance.now();
    await storage.audit.append({
      id: `aud_b${n}`,
      at: NOW - 400 * DAY,
      type: 'tool.called',
      outcome: 'success',
    });
    appendMs.push(performance.now() - start);
  }
  console.log(summary('audit append (chained, synchronous=FULL, one per commit)', appendMs));
  await storage.close();

  // Bulk fill outside the adapter (a benchmark fixture, not a code path).
  const raw = new Database(file);
  raw.transaction(() => {
    raw
      .prepare(
        `INSERT INTO grants (id, user_id, client_id, scopes, resource, created_at, expires_at)
       VALUES ('grt_live', 'usr', 'cli', 'jira:read', 'r', ?, ?)`,
      )
      .run(NOW - 10 * DAY, NOW + 10 * DAY);
    const token = raw.prepare(
      `INSERT INTO tokens (token_hash, kind, grant_id, client_id, user_id, scopes, resource, issued_at, expires_at)
       VALUES (?, 'access', 'grt_live', 'cli', 'usr', 'jira:read', 'r', ?, ?)`,
    );
    for (let n = 0; n < rows; n += 1) token.run(`h${n}`, NOW - 3 * DAY, NOW - 2 * DAY);
  })();
  raw.close();
  const again = openSqliteStorage({ path: file, synchronous: 'full' });
  for (let n = 0; n < rows - appends; n += 1) {
    void again.audit.append({
      id: `aud_c${n}`,
      at: NOW - 400 * DAY,
      type: 'tool.called',
      outcome: 'success',
    });
    if (n % 1000 === 999) await again.audit.tail(1);
  }
  await again.audit.append({ id: 'aud_last', at: NOW - 400 * DAY, type: 'x', outcome: 'success' });

  const cutoffs = purgeCutoffs(NOW, { unusedClientTtlSeconds: 0, auditRetentionDays: 365 });
  const tokenMs: number[] = [];
  for (;;) {
    const start = performance.now();
    const n = await again.purge.purgeBatch('tokens', cutoffs, PURGE_BATCH_SIZE);
    tokenMs.push(performance.now() - start);
    if (n < PURGE_BATCH_SIZE) break;
  }
  console.log(summary(`purge tokens, batches of ${PURGE_BATCH_SIZE} (${rows} rows)`, tokenMs));
  const auditMs: number[] = [];
  for (;;) {
    const start = performance.now();
    const { deleted } = await again.audit.purgeBefore(NOW - 365 * DAY, PURGE_BATCH_SIZE, NOW);
    auditMs.push(performance.now() - start);
    if (deleted < PURGE_BATCH_SIZE) break;
  }
  console.log(
    summary(`purge audit events, batches of ${PURGE_BATCH_SIZE} (${rows} rows)`, auditMs),
  );
  await again.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
