import { describe, expect, it } from 'vitest';
import { adfToMarkdown, markdownToAdf } from '../../../src/jira/adf/index.js';
import { adfProblems } from './adf-validator.js';
import { RICH_ADF } from './rich-fixture.js';

/** Task ids are opaque and regenerated; mark order carries no meaning. */
function normalize(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      if (key === 'localId') return 'id';
      if (key === 'marks' && Array.isArray(v)) {
        return [...(v as { type: string }[])].sort((a, b) => a.type.localeCompare(b.type));
      }
      return v;
    }),
  );
}

/** Markdown already in the normal form `adfToMarkdown` writes. */
const NORMAL_FORMS: Record<string, string> = {
  'inline marks': 'a *b* **c** ***d*** ~~e~~ `f` [g](https://x.y) <https://auto.link/x_y>',
  'nested emphasis': '**bold *nested em* bold** and *em **strong** em*',
  'adjacent spans': '**a** *b* c **Note:** text',
  'intraword underscores': 'snake_case_name and customfield_10010',
  'escaped syntax':
    'literal \\* star, \\_under\\_, \\[brackets\\], \\`tick\\`, \\~\\~ and back\\\\\\*',
  'backslash before a letter': 'C:\\Users\\me',
  'escaped line starts':
    '1\\. not a list\n\\# not a heading\n\\- not a bullet\n\\> not a quote\n\\---',
  'code span with a backtick': '``code with ` tick``',
  'marked link': '[**bold link**](https://x.y/?a=1&b=2) and [`code`](https://x.y)',
  'link with parentheses': '[wiki](<https://en.wikipedia.org/wiki/Foo_(bar)>)',
  'mail autolink': 'mail <mailto:a@b.c>',
  'hard breaks': 'line one\nline two\nline three',
  headings: '# H1\n\n## H2 *em*\n\n###### H6',
  'heading ending in a hash': '# Issue \\#',
  rule: 'above\n\n---\n\nbelow',
  'code block': '```\nno lang\n```',
  'code block with language and inner fence': '````md\n```\ninner\n```\n````',
  'adjacent bullet lists': '- a\n- b\n\n* c\n* d',
  'adjacent ordered lists': '1. a\n2. b\n\n1) c\n2) d',
  'ordered list start': '3. three\n4. four',
  'nested lists': '- a\n  - b\n    1. c\n       - d\n- e',
  'multi-paragraph item': '- a\n\n  second para\n- b',
  'code in an item': '- a\n\n  ```js\n  code\n  ```\n- b',
  'task list': '- [ ] one\n- [x] two\n  - [ ] nested',
  blockquote: '> quote **b**\n>\n> - item\n>\n> ```\n> code\n> ```',
  table: '| a | b |\n| --- | --- |\n| 1 | 2<br>3 |\n| `x\\|y` | |',
};

describe('Markdown → ADF → Markdown round trip', () => {
  it.each(Object.entries(NORMAL_FORMS))('keeps %s unchanged', (_name, markdown) => {
    const adf = markdownToAdf(markdown);
    expect(adfProblems(adf)).toEqual([]);
    expect(adfToMarkdown(adf)).toBe(markdown);
  });

  it.each([
    ['* star bullets', '- star bullets'],
    ['+ plus bullets', '- plus bullets'],
    ['__strong__ and _em_', '**strong** and *em*'],
    ['Setext\n===', '# Setext'],
    ['Setext two\n---', '## Setext two'],
    ['trailing spaces  \nbreak', 'trailing spaces\nbreak'],
    ['backslash\\\nbreak', 'backslash\nbreak'],
    ['  indented paragraph', 'indented paragraph'],
    ['# closed heading ##', '# closed heading'],
    ['***', '---'],
    ['~~~py\ncode\n~~~', '```py\ncode\n```'],
    ['1. a\n1. b\n1. c', '1. a\n2. b\n3. c'],
    ['- a\n\n\n- b', '- a\n- b'],
    ['1. a\n  - nested by two spaces', '1. a\n   - nested by two spaces'],
    ['> lazy\ncontinuation', '> lazy\n> continuation'],
    ['a\r\nb', 'a\nb'],
    ['[x](<https://x.y/a b>)', '[x](https://x.y/a%20b)'],
    ['![diagram](https://x.y/d.png)', '[diagram](https://x.y/d.png)'],
    ['|a|b|\n|:-|-:|\n|1|2|', '| a | b |\n| --- | --- |\n| 1 | 2 |'],
    ['| a | b |\n| --- | --- |\n| only one |', '| a | b |\n| --- | --- |\n| only one | |'],
    ['``` \n```', '```\n```'],
  ])('normalizes %j to %j', (input, normal) => {
    const adf = markdownToAdf(input);
    expect(adfProblems(adf)).toEqual([]);
    expect(adfToMarkdown(adf)).toBe(normal);
  });
});

describe('ADF → Markdown → ADF round trip', () => {
  it('reproduces the rich fixture', () => {
    expect(adfProblems(RICH_ADF)).toEqual([]);
    const markdown = adfToMarkdown(RICH_ADF);
    const back = markdownToAdf(markdown);
    expect(adfProblems(back)).toEqual([]);
    expect(normalize(back)).toEqual(normalize(RICH_ADF));
    expect(adfToMarkdown(back)).toBe(markdown);
  });

  it('renders the rich fixture as readable Markdown', () => {
    const markdown = adfToMarkdown(RICH_ADF);
    expect(markdown).toContain(
      '[a link](<https://example.com/a_b?q=1&r=(2)>), [**bold link**](https://example.com), [`code link`](https://example.com/c).',
    );
    expect(markdown).toContain(
      '3. Three\n   - nested bullet\n     1. deep\n   - second nested\n4. Four',
    );
    expect(markdown).toContain('- [ ] write **tests**\n  - [x] nested done\n- [x] ship');
    expect(markdown).toContain(
      '| Key | **Summary** |\n| --- | --- |\n| [DEMO-1](https://acme.atlassian.net/browse/DEMO-1) | a \\| b<br>next line |',
    );
  });
});
