/**
 * The worst case of Markdown → ADF (and back) at the tools' input cap: how
 * long can one `jira_add_comment` body keep the event loop busy?
 *
 *   node --import tsx bench/markdown-worst-case.ts [--length 32000] [--runs 7]
 *
 * Every unit below, repeated to `length` characters (the MARKDOWN_INPUT
 * cap), is converted Markdown → ADF and the result ADF → Markdown; the
 * median CPU time (user + system, so other processes on a shared machine
 * disturb it less than wall time) of `runs` runs is reported, with the ratio between 4 × length and
 * length (about 4 when linear, 16 when quadratic). Units that a bound
 * refuses (nesting, table size) are timed up to the refusal. Prints the
 * slowest units first, as a Markdown table for BENCHMARKS.md.
 */
import { parseArgs } from 'node:util';
import { adfToMarkdown, markdownToAdf, type AdfDoc } from '../src/jira/adf/index.js';
import { MarkdownLimitError } from '../src/jira/adf/limits.js';

const UNITS = [
  '[',
  ']',
  '(',
  '*',
  '_',
  '`',
  '>',
  '1. ',
  '- ',
  '|',
  '\\',
  '<',
  '!',
  '~',
  '#',
  '![',
  '[](',
  '[](x',
  '[](x)',
  '[]( ',
  '*a',
  'a*',
  '_a ',
  '`a',
  '**a',
  '~~a',
  '[`',
  '`[',
  '<br',
  '<a:b',
  '#  a',
  '```a',
  '```\n',
  '> - ',
  '- > ',
  '|\n',
  '|-\n',
  'a|b\n-|-\n',
  '| a |\n|---|\n',
  'a\n',
  'a\n-\n',
  '=\n',
  '\\\n',
  '*_',
  'a**b',
  '~a~',
  '- [ ] ',
  'word ',
];

const { values } = parseArgs({
  options: {
    length: { type: 'string', default: '32000' },
    runs: { type: 'string', default: '7' },
  },
});
const length = Number(values.length);
const runs = Number(values.runs);

function repeatTo(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

interface Row {
  unit: string;
  toAdfMs: number;
  toMarkdownMs: number;
  ratio: number;
  refused: boolean;
}

/** CPU milliseconds since `start` (a `process.cpuUsage()` reading). */
function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1_000;
}

function time(markdown: string): { toAdf: number; toMarkdown: number; refused: boolean } {
  const toAdf: number[] = [];
  const toMarkdown: number[] = [];
  let refused = false;
  for (let r = 0; r < runs; r++) {
    let start = process.cpuUsage();
    let doc: AdfDoc | undefined;
    try {
      doc = markdownToAdf(markdown);
    } catch (error) {
      if (!(error instanceof MarkdownLimitError)) throw error;
      refused = true;
    }
    toAdf.push(cpuSince(start));
    start = process.cpuUsage();
    if (doc !== undefined) adfToMarkdown(doc);
    toMarkdown.push(cpuSince(start));
  }
  return { toAdf: median(toAdf), toMarkdown: median(toMarkdown), refused };
}

const rows: Row[] = UNITS.map((unit) => {
  const base = time(repeatTo(unit, length));
  const big = time(repeatTo(unit, 4 * length));
  const total = base.toAdf + base.toMarkdown;
  return {
    unit,
    toAdfMs: base.toAdf,
    toMarkdownMs: base.toMarkdown,
    ratio: (big.toAdf + big.toMarkdown) / Math.max(total, 0.01),
    refused: base.refused,
  };
}).sort((a, b) => b.toAdfMs + b.toMarkdownMs - (a.toAdfMs + a.toMarkdownMs));

console.log(`Markdown ⇄ ADF, ${length} characters, median CPU time of ${runs} runs`);
console.log('');
console.log(
  '| unit (repeated) | Markdown → ADF (ms) | ADF → Markdown (ms) | 4× input: time ratio |',
);
console.log('| --- | --- | --- | --- |');
for (const row of rows) {
  const unit = JSON.stringify(row.unit).replace(/\|/g, '\\|');
  console.log(
    `| \`${unit}\`${row.refused ? ' (refused: limit)' : ''} | ${row.toAdfMs.toFixed(1)} | ${row.toMarkdownMs.toFixed(1)} | ${row.ratio.toFixed(1)} |`,
  );
}
