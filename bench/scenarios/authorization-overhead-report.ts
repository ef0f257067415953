/** The Markdown of scenario 1's report. */
import { deltaMs, ms, ms3, percent, ratio, rps, table } from '../lib/markdown.js';
import type { Plan } from '../lib/plan.js';
import { ISSUE_KEY } from '../lib/constants.js';
import type { OverheadRow } from './authorization-overhead.js';

/** Three tables: both sides end to end, the ratios, and the check timed in-process. */
export function overheadMarkdown(rows: readonly OverheadRow[], plan: Plan): string {
  return [
    `\`tools/call jira_get_issue\` (${ISSUE_KEY}) through the gateway to the sandbox. ` +
      `"open" is the same app with a token check that always succeeds (bench/servers/allow-all-verifier.ts). ` +
      `Under load: ${plan.connections} connections, ${plan.overheadSeconds} s per run; ` +
      `single: 1 connection, ${plan.latencySeconds} s per run; medians of ${plan.overheadRuns} runs, sides alternated (A B, B A, …); the ratio is the median of the per-run ratios. ` +
      `${plan.tokenPool} distinct bearer tokens in rotation.`,
    '',
    table(
      [
        'token check',
        'side',
        'req/s',
        'p50 ms',
        'p99 ms',
        'single p50 ms',
        'single p99 ms',
        'errors',
      ],
      rows.flatMap((r) => [
        [
          r.label,
          'checked',
          rps(r.checked.loaded.rps),
          ms(r.checked.loaded.p50),
          ms(r.checked.loaded.p99),
          ms(r.checked.single.p50),
          ms(r.checked.single.p99),
          String(r.checked.loaded.errors + r.checked.single.errors),
        ],
        [
          '',
          'open',
          rps(r.open.loaded.rps),
          ms(r.open.loaded.p50),
          ms(r.open.loaded.p99),
          ms(r.open.single.p50),
          ms(r.open.single.p99),
          String(r.open.loaded.errors + r.open.single.errors),
        ],
      ]),
    ),
    '',
    table(
      [
        'token check',
        'throughput checked/open',
        'cost (target ≤ 10%)',
        'end-to-end added p50 / p99 under load (ms)',
        'end-to-end added p50 / p99 single (ms)',
      ],
      rows.map((r) => [
        r.label,
        ratio(r.throughputRatio),
        percent(r.cost),
        `${deltaMs(r.addedP50)} / ${deltaMs(r.addedP99)}`,
        `${deltaMs(r.addedSingleP50)} / ${deltaMs(r.addedSingleP99)}`,
      ]),
    ),
    '',
    'The check itself, timed inside the gateway around `verifier.verify()` (bench/servers/timed-verifier.ts): the latency it adds to a call, without the burst-to-burst noise of the end-to-end numbers above. On the always-succeeding side the same timer measures itself.',
    '',
    table(
      [
        'token check',
        'checks timed',
        'p50 / p99 under load (ms)',
        'p50 / p99 single (ms, target p50 < 1)',
        'always-succeeding p50 / p99 under load (ms)',
      ],
      rows.map((r) => [
        r.label,
        r.check.count.toLocaleString('en-US'),
        `${ms3(r.check.loaded.p50)} / ${ms3(r.check.loaded.p99)}`,
        `${ms3(r.check.single.p50)} / ${ms3(r.check.single.p99)}`,
        `${ms3(r.openCheck.loaded.p50)} / ${ms3(r.openCheck.loaded.p99)}`,
      ]),
    ),
  ].join('\n');
}
