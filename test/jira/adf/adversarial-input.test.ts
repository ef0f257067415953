/**
 * Markdown ⇄ ADF under hostile input: every construct that once made the
 * converter quadratic or overflow the stack, repeated up to 100,000 times.
 * Linearity is checked by the ratio of CPU time between n and 8n (linear:
 * about 8; quadratic: about 64), with a generous bound and the best of three
 * runs, never by an absolute time. The worst case is measured in
 * bench/markdown-worst-case.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adfToMarkdown, markdownToAdf, type AdfNode } from '../../../src/jira/adf/index.js';
import {
  MarkdownLimitError,
  MAX_ADF_DEPTH,
  MAX_NESTING,
  MAX_TABLE_CELLS,
  MAX_TABLE_COLUMNS,
} from '../../../src/jira/adf/limits.js';
import { adfProblems } from './adf-validator.js';

/** Each unit is repeated to fill the input; together they cover every syntax the parser reads. */
const UNITS = [
  '[',
  ']',
  '(',
  ')',
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
  '[]("',
  '[](()',
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
  'a\n',
  'a\n-\n',
  '=\n',
  '\\\n',
  '*_',
  'a**b',
  '~a~',
  '- [ ] ',
];

function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** Converts both ways; a nesting or table bound may refuse the Markdown, nothing else may throw. */
function convert(markdown: string): void {
  try {
    adfToMarkdown(markdownToAdf(markdown));
  } catch (error) {
    if (!(error instanceof MarkdownLimitError)) throw error;
  }
}

/** Best of three CPU times in milliseconds (less sensitive to other processes than wall time). */
function cpuMs(work: () => void): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const start = process.cpuUsage();
    work();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1_000);
  }
  return best;
}

/**
 * Linear work grows about 8× from n to 8n; quadratic work about 64×. A
 * measurement is retried up to three times and the best ratio counts: on a
 * loaded machine one sample can be slowed by another process, while
 * superlinear work is slow in every sample.
 */
function expectLinear(label: string, input: (n: number) => string): void {
  const small = input(4_000);
  const large = input(32_000);
  convert(small); // warm the JIT up, so the first measurement is not the slow one
  let report = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const a = cpuMs(() => {
      convert(small);
    });
    const b = cpuMs(() => {
      convert(large);
    });
    // Below 20 ms a ratio is noise; above it, 32 leaves room for noise (a
    // loaded machine, the JIT) and none for n², which is 64.
    if (b <= Math.max(20, 32 * a)) return;
    report += ` ${a.toFixed(1)} ms → ${b.toFixed(1)} ms;`;
  }
  expect.fail(`${label} grows faster than linearly:${report}`);
}

describe('Markdown → ADF → Markdown is linear in its input (CommonMark 0.31.2; GFM 0.29)', () => {
  it('converts the units that nest or recurse, repeated 100,000 times, without a stack overflow', () => {
    for (const unit of [
      '>',
      '1. ',
      '- ',
      '- > ',
      '> - ',
      '[',
      '![',
      '`[',
      '*',
      '**a',
      '_a ',
      '\\',
    ]) {
      expect(() => {
        convert(repeatTo(unit, 100_000));
      }, JSON.stringify(unit)).not.toThrow();
    }
  });

  for (const unit of UNITS) {
    it(`scales linearly for ${JSON.stringify(unit)} repeated (n vs 8n)`, () => {
      expectLinear(JSON.stringify(unit), (n) => repeatTo(unit, n));
    });
  }

  it('scales linearly for random mixtures of the units (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 6 }), (mix) => {
        const unit = mix.join('');
        expectLinear(JSON.stringify(unit), (n) => repeatTo(unit, n));
      }),
      { numRuns: 10 },
    );
  });

  it('always yields valid ADF, or refuses with the limit, for mixtures up to 32,000 characters (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...UNITS, 'word ', '\n\n', '  '), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 32_000 }),
        (mix, length) => {
          let doc;
          try {
            doc = markdownToAdf(repeatTo(mix.join(''), length));
          } catch (error) {
            expect(error).toBeInstanceOf(MarkdownLimitError);
            return;
          }
          expect(adfProblems(doc)).toEqual([]);
          expect(typeof adfToMarkdown(doc)).toBe('string');
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe(`nesting and table limits (${MAX_NESTING} levels, ${MAX_TABLE_COLUMNS} columns, ${MAX_TABLE_CELLS} cells)`, () => {
  const nestingMessage = `The Markdown nests quotes and lists more than ${MAX_NESTING} levels deep (the limit is ${MAX_NESTING} levels of quotes, list items, links and emphasis); flatten it and try again.`;

  it("refuses '>' × 32,000 and '1. ' × 10,000 with a MarkdownLimitError naming the limit", () => {
    for (const markdown of ['>'.repeat(32_000), '1. '.repeat(10_000), '- > '.repeat(8_000)]) {
      expect(() => markdownToAdf(markdown)).toThrow(
        new MarkdownLimitError('nesting', nestingMessage),
      );
    }
  });

  it(`accepts exactly ${MAX_NESTING} levels of quotes and refuses one more`, () => {
    const quoted = (depth: number): string => `${'>'.repeat(depth)} deep`;
    const doc = markdownToAdf(quoted(MAX_NESTING));
    expect(adfProblems(doc)).toEqual([]);
    expect(() => markdownToAdf(quoted(MAX_NESTING + 1))).toThrow(MarkdownLimitError);
  });

  it(`accepts ${MAX_NESTING} nested link labels and refuses one more`, () => {
    const nested = (depth: number): string =>
      `${'['.repeat(depth)}x${'](https://a.example)'.repeat(depth)}`;
    expect(() => markdownToAdf(nested(MAX_NESTING - 1))).not.toThrow();
    expect(() => markdownToAdf(nested(MAX_NESTING + 1))).toThrow(
      `The Markdown nests links more than ${MAX_NESTING} levels deep`,
    );
  });

  it('refuses a table wider than the column limit or larger than the cell limit', () => {
    const row = (cells: number): string => `|${' a |'.repeat(cells)}`;
    const delimiter = (cells: number): string => `|${'---|'.repeat(cells)}`;
    const wide = `${row(MAX_TABLE_COLUMNS + 1)}\n${delimiter(MAX_TABLE_COLUMNS + 1)}`;
    expect(() => markdownToAdf(wide)).toThrow(
      new MarkdownLimitError(
        'table',
        `The Markdown table has ${MAX_TABLE_COLUMNS + 1} columns; the limit is ${MAX_TABLE_COLUMNS}.`,
      ),
    );
    // Short body rows are padded to the header's width: the bound is on what padding creates.
    const rows = Math.ceil(MAX_TABLE_CELLS / MAX_TABLE_COLUMNS) + 1;
    const padded = [
      row(MAX_TABLE_COLUMNS),
      delimiter(MAX_TABLE_COLUMNS),
      ...Array<string>(rows).fill('x'),
    ];
    expect(() => markdownToAdf(padded.join('\n'))).toThrow(
      `The Markdown table has more than ${MAX_TABLE_CELLS} cells`,
    );
  });

  it('keeps emphasis nested 10,000 deep (marks are a set in ADF) without a stack overflow', () => {
    const doc = markdownToAdf(`${'**'.repeat(10_000)}a${'**'.repeat(10_000)}`);
    expect(doc.content[0]?.content).toEqual([
      { type: 'text', text: 'a', marks: [{ type: 'strong' }] },
    ]);
  });
});

describe('ADF → Markdown for hostile documents from Jira', () => {
  function nested(wrap: (inner: AdfNode) => AdfNode, depth: number): AdfNode {
    let node: AdfNode = { type: 'paragraph', content: [{ type: 'text', text: 'bottom' }] };
    for (let i = 0; i < depth; i++) node = wrap(node);
    return { type: 'doc', content: [node] };
  }

  it(`renders 100,000 levels of quotes, lists, panels and unknown nodes, cut at ${MAX_ADF_DEPTH} nodes`, () => {
    const wrappers: [string, (inner: AdfNode) => AdfNode][] = [
      ['blockquote', (inner) => ({ type: 'blockquote', content: [inner] })],
      ['panel', (inner) => ({ type: 'panel', content: [inner] })],
      ['unknown', (inner) => ({ type: 'layoutSection', content: [inner] })],
      [
        'list',
        (inner) => ({ type: 'bulletList', content: [{ type: 'listItem', content: [inner] }] }),
      ],
    ];
    for (const [name, wrap] of wrappers) {
      const markdown = adfToMarkdown(nested(wrap, 100_000));
      expect(markdown, name).not.toContain('bottom');
      expect(markdown, name).toContain(
        `content nested more than ${MAX_ADF_DEPTH} levels deep is not shown`,
      );
      expect(markdown.length, name).toBeLessThan(20 * MAX_ADF_DEPTH);
    }
    expect(
      adfToMarkdown(nested((inner) => ({ type: 'blockquote', content: [inner] }), 100_000)),
    ).toContain(`content nested more than ${MAX_ADF_DEPTH} levels deep is not shown`);
  });

  it('renders code with 200,000 backtick runs and a text node with 50,000 marks', () => {
    const text = '`a'.repeat(200_000);
    const marks = Array.from({ length: 50_000 }, (_, i) => ({
      type: i % 2 === 0 ? 'strong' : 'link',
      attrs: { href: `https://a.example/${i}` },
    }));
    const markdown = adfToMarkdown({
      type: 'doc',
      content: [
        { type: 'codeBlock', content: [{ type: 'text', text }] },
        { type: 'paragraph', content: [{ type: 'text', text, marks: [{ type: 'code' }] }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'marked', marks }] },
      ],
    });
    expect(markdown.startsWith('```\n`a`a')).toBe(true);
    expect(markdown.endsWith('**[marked](https://a.example/1)**')).toBe(true);
  });

  it('scales linearly for a table with one wide row and many short ones (n vs 8n)', () => {
    const cell = {
      type: 'tableCell',
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'x' }] }],
    };
    const table = (n: number): AdfNode => ({
      type: 'doc',
      content: [
        {
          type: 'table',
          content: [
            { type: 'tableRow', content: Array<AdfNode>(n).fill(cell) },
            ...Array.from({ length: n }, () => ({ type: 'tableRow', content: [cell] })),
          ],
        },
      ],
    });
    const small = table(500);
    const large = table(4_000);
    const a = cpuMs(() => adfToMarkdown(small));
    const b = cpuMs(() => adfToMarkdown(large));
    expect(b).toBeLessThanOrEqual(Math.max(20, 32 * a));
  });
});
