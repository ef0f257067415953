/** A rich ADF document using every construct both converters support. */
import type { AdfDoc, AdfMark, AdfNode } from '../../../src/jira/adf/index.js';

const t = (text: string, ...marks: AdfMark[]): AdfNode =>
  marks.length > 0 ? { type: 'text', text, marks } : { type: 'text', text };
const p = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const li = (...content: AdfNode[]): AdfNode => ({ type: 'listItem', content });
const strong: AdfMark = { type: 'strong' };
const em: AdfMark = { type: 'em' };
const strike: AdfMark = { type: 'strike' };
const code: AdfMark = { type: 'code' };
const link = (href: string): AdfMark => ({ type: 'link', attrs: { href } });
const br: AdfNode = { type: 'hardBreak' };
const cell = (type: 'tableHeader' | 'tableCell', ...content: AdfNode[]): AdfNode => ({
  type,
  content: [p(...content)],
});

export const RICH_ADF: AdfDoc = {
  version: 1,
  type: 'doc',
  content: [
    { type: 'heading', attrs: { level: 1 }, content: [t('Release '), t('2.0', code)] },
    {
      type: 'paragraph',
      content: [
        t('Plain, '),
        t('strong', strong),
        t(', '),
        t('em', em),
        t(', '),
        t('both', strong, em),
        t(', '),
        t('gone', strike),
        t(', '),
        t('x = 1', code),
        t(', '),
        t('a link', link('https://example.com/a_b?q=1&r=(2)')),
        t(', '),
        t('bold link', link('https://example.com'), strong),
        t(', '),
        t('code link', link('https://example.com/c'), code),
        t('.'),
        br,
        t('Second line with specials: * _ [x] ` \\ ~~ <https://no.link> # 1. done'),
      ],
    },
    p(t('strong with '), t('nested em', strong, em), t(' inside', strong)),
    p(t('customfield_10010 and snake_case stay readable; 5 * 3 = 15')),
    p(t('# not a heading')),
    p(t('- not a list')),
    p(t('2024. A year')),
    { type: 'heading', attrs: { level: 3 }, content: [t('Steps '), t('now', em)] },
    {
      type: 'orderedList',
      attrs: { order: 3 },
      content: [
        li(p(t('Three')), {
          type: 'bulletList',
          content: [
            li(p(t('nested bullet')), {
              type: 'orderedList',
              attrs: { order: 1 },
              content: [li(p(t('deep')))],
            }),
            li(p(t('second nested'))),
          ],
        }),
        li(p(t('Four')), p(t('with a second paragraph'))),
        li(p(t('Five')), {
          type: 'codeBlock',
          attrs: { language: 'sh' },
          content: [t('npm test\nnpm run lint')],
        }),
        li(p(), { type: 'bulletList', content: [li(p(t('only a sub-list')))] }),
      ],
    },
    { type: 'bulletList', content: [li(p(t('first list')))] },
    { type: 'bulletList', content: [li(p(t('second list, adjacent')))] },
    { type: 'orderedList', attrs: { order: 1 }, content: [li(p(t('ordered one')))] },
    { type: 'orderedList', attrs: { order: 1 }, content: [li(p(t('ordered two')))] },
    {
      type: 'taskList',
      attrs: { localId: 'list' },
      content: [
        {
          type: 'taskItem',
          attrs: { localId: 'a', state: 'TODO' },
          content: [t('write '), t('tests', strong)],
        },
        {
          type: 'taskList',
          attrs: { localId: 'sub' },
          content: [
            {
              type: 'taskItem',
              attrs: { localId: 'b', state: 'DONE' },
              content: [t('nested done')],
            },
          ],
        },
        { type: 'taskItem', attrs: { localId: 'c', state: 'DONE' }, content: [t('ship')] },
      ],
    },
    {
      type: 'blockquote',
      content: [
        p(t('Quoted '), t('text', strong)),
        { type: 'bulletList', content: [li(p(t('quoted item')))] },
        { type: 'codeBlock', content: [t('quoted code')] },
      ],
    },
    { type: 'rule' },
    {
      type: 'codeBlock',
      attrs: { language: 'markdown' },
      content: [t('```\nfenced inside\n```\n\nblank line above')],
    },
    {
      type: 'table',
      attrs: { isNumberColumnEnabled: false, layout: 'default' },
      content: [
        {
          type: 'tableRow',
          content: [cell('tableHeader', t('Key')), cell('tableHeader', t('Summary', strong))],
        },
        {
          type: 'tableRow',
          content: [
            cell('tableCell', t('DEMO-1', link('https://acme.atlassian.net/browse/DEMO-1'))),
            cell('tableCell', t('a | b'), br, t('next line')),
          ],
        },
        {
          type: 'tableRow',
          content: [cell('tableCell', t('x|y', code)), cell('tableCell')],
        },
      ],
    },
    p(t('The end.')),
  ],
};
