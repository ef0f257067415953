/**
 * Measures what `tools/list` costs a model for the default toolsets, each
 * toolset alone and `all`, and writes the table into BENCHMARKS.md between
 * the `bench:tool-definitions` markers (`--no-write` prints only).
 *
 *   npm run bench:tools            # measure and update BENCHMARKS.md
 *   npm run bench:tools -- --no-write
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { TOOLSET_NAMES } from '../src/config/toolsets.js';
import {
  DEFAULT_SET_BUDGET_CHARS,
  measureToolsets,
  type ToolDefinitionSize,
} from './lib/tool-definition-size.js';

const BEGIN = '<!-- bench:tool-definitions:begin -->';
const END = '<!-- bench:tool-definitions:end -->';

const k = (n: number): string => `${(n / 1000).toFixed(1)}k`;

function row(label: string, size: ToolDefinitionSize): string {
  return `| ${label} | ${size.tools} | **${size.modelChars.toLocaleString('en-US')}** (${k(size.modelChars)}) | ${size.names} | ${size.descriptions.toLocaleString('en-US')} | ${size.inputSchemas.toLocaleString('en-US')} | ${size.titles} | ${size.outputSchemas.toLocaleString('en-US')} | ${size.wire.toLocaleString('en-US')} |`;
}

const selections: [string, Record<string, string>][] = [
  ['default (`core,agile,history,structure`)', {}],
  ...TOOLSET_NAMES.map((name): [string, Record<string, string>] => [
    `\`${name}\``,
    { TOOLSETS: name },
  ]),
  ['`all`', { TOOLSETS: 'all' }],
];
const measured: [string, ToolDefinitionSize][] = [];
for (const [label, env] of selections) measured.push([label, await measureToolsets(env)]);

const all = measured.at(-1)?.[1];
const lines = [
  BEGIN,
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}, with \`npm run bench:tools\`. Budget of the default set: ${DEFAULT_SET_BUDGET_CHARS.toLocaleString('en-US')} model characters (\`test/bench/tool-definition-budget.test.ts\`).`,
  '',
  '| tools offered | tools | model characters | names | descriptions | input schemas | titles | output schemas | whole `tools/list` result |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...measured.map(([label, size]) => row(label, size)),
  '',
  `Largest tools (model characters): ${(all?.largest ?? []).map((t) => `\`${t.name}\` ${t.chars.toLocaleString('en-US')}`).join(', ')}.`,
  END,
];
const block = lines.join('\n');
console.log(block);

if (!process.argv.includes('--no-write')) {
  const file = new URL('../BENCHMARKS.md', import.meta.url);
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start === -1 || end === -1) {
    throw new Error(`BENCHMARKS.md has no ${BEGIN} … ${END} block`);
  }
  writeFileSync(file, text.slice(0, start) + block + text.slice(end + END.length));
}
