import { describe, expect, it } from 'vitest';
import { JqlError } from '../../../src/sandbox/jql/errors.js';
import { tokenize } from '../../../src/sandbox/jql/lexer.js';

function kinds(query: string): [string, string][] {
  return tokenize(query).map((token) => [token.kind, token.value]);
}

function errorOf(query: string): readonly string[] {
  try {
    tokenize(query);
  } catch (error) {
    if (error instanceof JqlError) return error.messages;
    throw error;
  }
  throw new Error(`expected "${query}" to be rejected`);
}

describe('JQL lexer', () => {
  it('splits words, operators, parentheses and commas with their offsets', () => {
    const tokens = tokenize('status IN (Done,"To Do")');
    expect(tokens.map((t) => [t.kind, t.value, t.start])).toEqual([
      ['word', 'status', 0],
      ['word', 'IN', 7],
      ['lparen', '(', 10],
      ['word', 'Done', 11],
      ['comma', ',', 15],
      ['string', 'To Do', 16],
      ['rparen', ')', 23],
      ['eof', '', 24],
    ]);
  });

  it('reads every comparison operator, including two-character ones without spaces', () => {
    expect(
      kinds('a=b a!=b a~b a!~b a<b a<=b a>b a>=b').filter(([kind]) => kind === 'operator'),
    ).toEqual([
      ['operator', '='],
      ['operator', '!='],
      ['operator', '~'],
      ['operator', '!~'],
      ['operator', '<'],
      ['operator', '<='],
      ['operator', '>'],
      ['operator', '>='],
    ]);
  });

  it('keeps hyphens, colons and digits inside unquoted words (keys, periods, account ids)', () => {
    expect(kinds('key = DEMO-1 created>-7d x = 712020:abc-1')).toEqual([
      ['word', 'key'],
      ['operator', '='],
      ['word', 'DEMO-1'],
      ['word', 'created'],
      ['operator', '>'],
      ['word', '-7d'],
      ['word', 'x'],
      ['operator', '='],
      ['word', '712020:abc-1'],
      ['eof', ''],
    ]);
  });

  it('treats && , || and a lone ! as AND, OR and NOT', () => {
    expect(kinds('a = 1 && !b = 2 || c = 3').map(([, value]) => value)).toEqual([
      'a',
      '=',
      '1',
      'AND',
      'NOT',
      'b',
      '=',
      '2',
      'OR',
      'c',
      '=',
      '3',
      '',
    ]);
  });

  it('decodes escapes in single- and double-quoted strings and in words', () => {
    expect(tokenize(`"say \\"hi\\"" 'it\\'s' a\\u0040b "tab\\there"`).map((t) => t.value)).toEqual([
      'say "hi"',
      "it's",
      'a@b',
      'tab\there',
      '',
    ]);
  });

  it('keeps the exact source text of each token', () => {
    expect(tokenize(`summary ~ "saved card"`).map((t) => t.raw)).toEqual([
      'summary',
      '~',
      '"saved card"',
      '',
    ]);
  });

  it('rejects an unterminated string with its position', () => {
    expect(errorOf('summary ~ "abc')).toEqual([
      "Error in the JQL Query: The quoted string 'abc' has not been completed. (line 1, character 11)",
    ]);
  });

  it('rejects a reserved character in an unquoted value and names its escape', () => {
    expect(errorOf('assignee = alice@example.com')).toEqual([
      "Error in the JQL Query: The character '@' is a reserved JQL character. You must enclose it in a string or use the escape '\\u0040' instead. (line 1, character 17)",
    ]);
  });

  it('rejects an unknown escape sequence', () => {
    expect(errorOf('summary ~ "a\\qb"')).toEqual([
      "Error in the JQL Query: The escape sequence '\\q' is not valid. (line 1, character 13)",
    ]);
  });

  it('counts lines and characters across newlines in error positions', () => {
    expect(errorOf('project = DEMO\nAND summary ~ "open')).toEqual([
      "Error in the JQL Query: The quoted string 'open' has not been completed. (line 2, character 15)",
    ]);
  });
});
