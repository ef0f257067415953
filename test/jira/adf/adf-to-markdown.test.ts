import { describe, expect, it } from 'vitest';
import { adfToMarkdown, type AdfNode } from '../../../src/jira/adf/index.js';

function md(...content: AdfNode[]): string {
  return adfToMarkdown({ version: 1, type: 'doc', content });
}

const text = (value: string): AdfNode => ({ type: 'text', text: value });
const para = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

describe('adfToMarkdown: nodes without a Markdown twin', () => {
  it('renders mentions as @Display Name', () => {
    expect(
      md(
        para({ type: 'mention', attrs: { id: 'acc-1', text: '@Alice Admin' } }, text(' and '), {
          type: 'mention',
          attrs: { id: 'acc-2', text: 'Bob' },
        }),
      ),
    ).toBe('@Alice Admin and @Bob');
  });

  it('renders emoji by their character, else their short name', () => {
    expect(
      md(
        para(
          { type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } },
          { type: 'emoji', attrs: { shortName: ':party:' } },
        ),
      ),
    ).toBe('😄:party:');
  });

  it('renders inline and block cards as their URLs', () => {
    expect(
      md(
        para(text('See '), {
          type: 'inlineCard',
          attrs: { url: 'https://acme.atlassian.net/browse/DEMO-1' },
        }),
        { type: 'blockCard', attrs: { url: 'https://example.com/doc' } },
      ),
    ).toBe('See <https://acme.atlassian.net/browse/DEMO-1>\n\n<https://example.com/doc>');
  });

  it('renders panels as quotes labelled with their type', () => {
    expect(
      md({ type: 'panel', attrs: { panelType: 'warning' }, content: [para(text('Careful'))] }),
    ).toBe('> **Warning:**\n>\n> Careful');
    expect(
      md({ type: 'panel', attrs: { panelType: 'custom' }, content: [para(text('Plain'))] }),
    ).toBe('> Plain');
  });

  it('renders media as placeholders', () => {
    expect(
      md(
        {
          type: 'mediaSingle',
          content: [
            {
              type: 'media',
              attrs: { id: 'f1', type: 'file', collection: 'c', alt: 'screen_shot.png' },
            },
          ],
        },
        {
          type: 'mediaGroup',
          content: [
            { type: 'media', attrs: { id: 'f2', type: 'file', collection: 'c' } },
            { type: 'media', attrs: { type: 'external', url: 'https://x.y/i.png' } },
          ],
        },
      ),
    ).toBe('[attachment: screen_shot.png]\n\n[attachment] [image: <https://x.y/i.png>]');
  });

  it('renders underline, colour and sub/superscript as plain text', () => {
    expect(
      md(
        para(
          { type: 'text', text: 'under', marks: [{ type: 'underline' }] },
          text(' '),
          {
            type: 'text',
            text: 'red',
            marks: [{ type: 'textColor', attrs: { color: '#ff0000' } }],
          },
          text(' H'),
          { type: 'text', text: '2', marks: [{ type: 'subsup', attrs: { type: 'sub' } }] },
          text('O'),
        ),
      ),
    ).toBe('under red H2O');
  });

  it('renders dates, statuses and expands', () => {
    expect(
      md(
        para({ type: 'date', attrs: { timestamp: String(Date.UTC(2026, 2, 14)) } }, text(' '), {
          type: 'status',
          attrs: { text: 'IN REVIEW', color: 'blue' },
        }),
        { type: 'expand', attrs: { title: 'Details' }, content: [para(text('hidden'))] },
      ),
    ).toBe('2026-03-14 IN REVIEW\n\n**Details**\n\nhidden');
  });

  it('renders decision lists as bullets', () => {
    expect(
      md({
        type: 'decisionList',
        attrs: { localId: 'd' },
        content: [
          {
            type: 'decisionItem',
            attrs: { localId: 'i', state: 'DECIDED' },
            content: [text('Use SQLite')],
          },
        ],
      }),
    ).toBe('- Use SQLite');
  });

  it('renders unknown nodes as their text', () => {
    expect(
      md(
        {
          type: 'layoutSection',
          content: [
            { type: 'layoutColumn', attrs: { width: 50 }, content: [para(text('left'))] },
            { type: 'layoutColumn', content: [para(text('right'))] },
          ],
        },
        para(
          { type: 'futureInline', content: [text('inner')] },
          { type: 'futureAtom', attrs: { text: 'atom' } },
        ),
        { type: 'futureBlock', text: 'block text' },
      ),
    ).toBe('left\n\nright\n\ninneratom\n\nblock text');
  });

  it('renders a table whose first row is not a header, and cells with several blocks', () => {
    expect(
      md({
        type: 'table',
        content: [
          {
            type: 'tableRow',
            content: [
              { type: 'tableCell', content: [para(text('a')), para(text('b'))] },
              { type: 'tableCell', content: [] },
            ],
          },
          {
            type: 'tableRow',
            content: [
              {
                type: 'tableCell',
                content: [
                  {
                    type: 'bulletList',
                    content: [{ type: 'listItem', content: [para(text('x'))] }],
                  },
                ],
              },
            ],
          },
        ],
      }),
    ).toBe('| a<br>b | |\n| --- | --- |\n| x | |');
  });
});

describe('adfToMarkdown: tolerant input', () => {
  it('returns a string description unchanged and non-ADF as empty', () => {
    expect(adfToMarkdown('plain *v2* text')).toBe('plain *v2* text');
    for (const value of [null, undefined, 42, {}, [], { type: 7 }])
      expect(adfToMarkdown(value)).toBe('');
  });

  it('skips malformed children and marks instead of throwing', () => {
    expect(
      adfToMarkdown({
        type: 'doc',
        version: 1,
        content: [
          null,
          'x',
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'ok', marks: 'bad' },
              { type: 'text', text: '!', marks: [null, { type: 'strong' }] },
            ],
          },
        ],
      }),
    ).toBe('ok**!**');
  });

  it('renders a single node as well as a document', () => {
    expect(adfToMarkdown({ type: 'paragraph', content: [text('alone')] })).toBe('alone');
  });

  it('drops empty paragraphs and headings', () => {
    expect(
      md(para(), { type: 'heading', attrs: { level: 2 }, content: [] }, para(text('x')), para()),
    ).toBe('x');
  });

  it('clamps heading levels and keeps hard breaks in headings on one line', () => {
    expect(
      md({
        type: 'heading',
        attrs: { level: 9 },
        content: [text('a'), { type: 'hardBreak' }, text('b')],
      }),
    ).toBe('# a b');
  });
});
