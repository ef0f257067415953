import { describe, expect, it } from 'vitest';
import { adfToMarkdown, markdownToAdf, type AdfNode } from '../../../src/jira/adf/index.js';
import { adfProblems } from './adf-validator.js';

function blocks(markdown: string): AdfNode[] {
  const doc = markdownToAdf(markdown);
  expect(adfProblems(doc)).toEqual([]);
  return doc.content;
}

function inline(markdown: string): AdfNode[] {
  const [first] = blocks(markdown);
  return first?.content ?? [];
}

describe('markdownToAdf: document', () => {
  it('produces an ADF version 1 doc, empty for empty or blank input', () => {
    expect(markdownToAdf('')).toEqual({ version: 1, type: 'doc', content: [] });
    expect(markdownToAdf(' \n\t\n')).toEqual({ version: 1, type: 'doc', content: [] });
    expect(adfToMarkdown(markdownToAdf(''))).toBe('');
  });
});

describe('markdownToAdf: blocks (CommonMark §4, §5; GFM tables)', () => {
  it('builds headings with their level', () => {
    expect(blocks('## Two')).toEqual([
      { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Two' }] },
    ]);
  });

  it('builds code blocks with the fence language and exact text', () => {
    expect(blocks('```ts\nconst a = 1;\n\n  indented\n```')).toEqual([
      {
        type: 'codeBlock',
        attrs: { language: 'ts' },
        content: [{ type: 'text', text: 'const a = 1;\n\n  indented' }],
      },
    ]);
  });

  it('runs an unclosed fence to the end of the document', () => {
    expect(blocks('```\nno end')).toEqual([
      { type: 'codeBlock', content: [{ type: 'text', text: 'no end' }] },
    ]);
  });

  it('builds ordered lists with their start number', () => {
    expect(blocks('7. seven')).toEqual([
      {
        type: 'orderedList',
        attrs: { order: 7 },
        content: [
          {
            type: 'listItem',
            content: [{ type: 'paragraph', content: [{ type: 'text', text: 'seven' }] }],
          },
        ],
      },
    ]);
  });

  it('does not let a number other than 1 interrupt a paragraph', () => {
    expect(blocks('In\n2024. we shipped').map((b) => b.type)).toEqual(['paragraph']);
    expect(blocks('Steps:\n1. one').map((b) => b.type)).toEqual(['paragraph', 'orderedList']);
  });

  it('builds task lists with TODO/DONE states and unique ids', () => {
    const [list] = blocks('- [ ] open\n- [x] closed');
    expect(list?.type).toBe('taskList');
    expect(list?.content?.map((i) => [i.type, i.attrs?.['state'], i.content])).toEqual([
      ['taskItem', 'TODO', [{ type: 'text', text: 'open' }]],
      ['taskItem', 'DONE', [{ type: 'text', text: 'closed' }]],
    ]);
    const ids = [
      list?.attrs?.['localId'],
      ...(list?.content ?? []).map((i) => i.attrs?.['localId']),
    ];
    expect(new Set(ids).size).toBe(3);
  });

  it('keeps a box as text when not every item is a task', () => {
    const [list] = blocks('- [ ] task\n- plain');
    expect(list?.type).toBe('bulletList');
    expect(
      adfToMarkdown({ version: 1, type: 'doc', content: list === undefined ? [] : [list] }),
    ).toBe('- \\[ \\] task\n- plain');
  });

  it('builds GFM tables with a header row', () => {
    const [table] = blocks('| h |\n| - |\n| c |');
    expect(table).toEqual({
      type: 'table',
      attrs: { isNumberColumnEnabled: false, layout: 'default' },
      content: [
        {
          type: 'tableRow',
          content: [
            {
              type: 'tableHeader',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'h' }] }],
            },
          ],
        },
        {
          type: 'tableRow',
          content: [
            {
              type: 'tableCell',
              content: [{ type: 'paragraph', content: [{ type: 'text', text: 'c' }] }],
            },
          ],
        },
      ],
    });
  });

  it('is not fooled into a table by a pipe in prose', () => {
    expect(blocks('a | b\n---').map((b) => b.type)).toEqual(['heading']);
    expect(blocks('a | b\nc').map((b) => b.type)).toEqual(['paragraph']);
  });

  it('reshapes what ADF forbids inside list items and quotes', () => {
    const doc = markdownToAdf(
      '- # heading in item\n  > quote in item\n\n> # heading in quote\n> > nested quote\n> ---',
    );
    expect(adfProblems(doc)).toEqual([]);
    expect(adfToMarkdown(doc)).toBe(
      '- **heading in item**\n\n  quote in item\n\n> **heading in quote**\n>\n> nested quote',
    );
  });

  it('gives an item that starts with a sub-list an empty first paragraph', () => {
    const [list] = blocks('- - inner');
    expect(list?.content?.[0]?.content?.map((b) => b.type)).toEqual(['paragraph', 'bulletList']);
  });
});

describe('markdownToAdf: inlines (CommonMark §6)', () => {
  it('turns **, *, ~~ and ` into marks', () => {
    expect(inline('**s** *e* ~~x~~ `c`')).toEqual([
      { type: 'text', text: 's', marks: [{ type: 'strong' }] },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'e', marks: [{ type: 'em' }] },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'x', marks: [{ type: 'strike' }] },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'c', marks: [{ type: 'code' }] },
    ]);
  });

  it('keeps only the link mark next to code (ADF forbids code with strong)', () => {
    expect(inline('**[`c`](https://x.y)**')).toEqual([
      {
        type: 'text',
        text: 'c',
        marks: [{ type: 'link', attrs: { href: 'https://x.y' } }, { type: 'code' }],
      },
    ]);
  });

  it('makes links only of http, https and mailto hrefs', () => {
    expect(
      inline(
        '[a](https://x.y) [b](mailto:b@x.y) [c](javascript:alert(1)) [d](/relative) [e](data:text/html,x)',
      ),
    ).toEqual([
      { type: 'text', text: 'a', marks: [{ type: 'link', attrs: { href: 'https://x.y' } }] },
      { type: 'text', text: ' ' },
      { type: 'text', text: 'b', marks: [{ type: 'link', attrs: { href: 'mailto:b@x.y' } }] },
      { type: 'text', text: ' c d e' },
    ]);
    expect(inline('<javascript:alert(1)>')).toEqual([
      { type: 'text', text: '<javascript:alert(1)>' },
    ]);
  });

  it('reads backslash escapes as literal characters', () => {
    expect(inline('\\*a\\* \\_b\\_ \\[c\\](https://x.y) \\`d\\` \\\\')).toEqual([
      { type: 'text', text: '*a* _b_ [c](https://x.y) `d` \\' },
    ]);
  });

  it('leaves unmatched delimiters as text', () => {
    expect(inline('2 * 3 * 4 and **open and a_b_c')).toEqual([
      { type: 'text', text: '2 * 3 * 4 and **open and a_b_c' },
    ]);
  });

  it('turns line ends and <br> into hard breaks', () => {
    expect(inline('a\nb<br/>c')).toEqual([
      { type: 'text', text: 'a' },
      { type: 'hardBreak' },
      { type: 'text', text: 'b' },
      { type: 'hardBreak' },
      { type: 'text', text: 'c' },
    ]);
  });
});

describe('markdownToAdf: edge cases', () => {
  it('round-trips text made of Markdown punctuation', () => {
    const text = '*_[]`\\~<>#|!()-+.{}';
    const doc = {
      version: 1 as const,
      type: 'doc' as const,
      content: [{ type: 'paragraph', content: [{ type: 'text', text }] }],
    };
    expect(markdownToAdf(adfToMarkdown(doc))).toEqual(doc);
  });

  it('handles deep nesting (lists 40 levels deep, quotes with lists)', () => {
    const depth = 40;
    const markdown = Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join(
      '\n',
    );
    const doc = markdownToAdf(markdown);
    expect(adfProblems(doc)).toEqual([]);
    let node: AdfNode | undefined = doc.content[0];
    let levels = 0;
    while (node !== undefined) {
      levels++;
      node = node.content?.[0]?.content?.[1];
    }
    expect(levels).toBe(depth);
    expect(adfToMarkdown(doc)).toBe(markdown);
  });

  it('handles very long text', () => {
    const words = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? `**w${i}**` : `w${i}`));
    const markdown = words.join(' ');
    const doc = markdownToAdf(markdown);
    expect(adfProblems(doc)).toEqual([]);
    expect(doc.content[0]?.content?.filter((n) => n.marks !== undefined)).toHaveLength(
      Math.ceil(20_000 / 7),
    );
    expect(adfToMarkdown(doc)).toBe(markdown);
  });

  it('handles a long run of unmatched delimiters', () => {
    const markdown = '*a '.repeat(30_000).trim();
    const doc = markdownToAdf(markdown);
    expect(doc.content[0]?.content).toEqual([{ type: 'text', text: markdown }]);
  });

  it('handles a very long single line of code', () => {
    const code = 'x'.repeat(200_000);
    expect(blocks(`\`\`\`\n${code}\n\`\`\``)).toEqual([
      { type: 'codeBlock', content: [{ type: 'text', text: code }] },
    ]);
  });
});
