/**
 * JQL lexer: turns a query into tokens with their source offsets. Words
 * are unquoted runs of non-special characters; keywords are recognised
 * later by the parser (case-insensitively, and never inside quotes).
 * `&&`, `||` and `!` are Jira's symbolic AND, OR and NOT.
 */
import { jqlSyntaxError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'lparen' | 'rparen' | 'comma' | 'operator' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Decoded text: escapes resolved, quotes removed. Keyword aliases are normalised (`&&` → `AND`). */
  value: string;
  /** Exact source text. */
  raw: string;
  /** 0-based offset in the query. */
  start: number;
}

// Characters that end an unquoted word.
const DELIMITERS = new Set(['(', ')', ',', '=', '!', '<', '>', '~', '"', "'"]);
// Jira reserves these: they must be quoted or escaped inside values.
const RESERVED = new Set([
  '+',
  '.',
  ';',
  '?',
  '|',
  '*',
  '/',
  '%',
  '^',
  '$',
  '#',
  '@',
  '[',
  ']',
  '&',
  '{',
  '}',
]);

const ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  ' ': ' ',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * Splits a JQL query into tokens, ending with an `eof` token.
 * Throws `JqlError` on an unterminated string, a bad escape, or a reserved character.
 * @see https://support.atlassian.com/jira-software-cloud/docs/jql-fields/ (reserved characters)
 */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, value: string, start: number, end: number): void => {
    tokens.push({ kind, value, raw: query.slice(start, end), start });
  };
  while (i < query.length) {
    const ch = query.charAt(i);
    const next = query.charAt(i + 1);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      push(ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', ch, i, i + 1);
      i += 1;
    } else if (ch === '&' && next === '&') {
      push('word', 'AND', i, i + 2);
      i += 2;
    } else if (ch === '|' && next === '|') {
      push('word', 'OR', i, i + 2);
      i += 2;
    } else if ((ch === '!' || ch === '<' || ch === '>') && next === '=') {
      push('operator', ch + next, i, i + 2);
      i += 2;
    } else if (ch === '!' && next === '~') {
      push('operator', '!~', i, i + 2);
      i += 2;
    } else if (ch === '=' || ch === '<' || ch === '>' || ch === '~') {
      push('operator', ch, i, i + 1);
      i += 1;
    } else if (ch === '!') {
      push('word', 'NOT', i, i + 1);
      i += 1;
    } else if (ch === '"' || ch === "'") {
      i = readQuoted(query, i, push);
    } else {
      i = readWord(query, i, push);
    }
  }
  push('eof', '', query.length, query.length);
  return tokens;
}

type Push = (kind: TokenKind, value: string, start: number, end: number) => void;

function readQuoted(query: string, start: number, push: Push): number {
  const quote = query.charAt(start);
  let value = '';
  let i = start + 1;
  while (i < query.length) {
    const ch = query.charAt(i);
    if (ch === quote) {
      push('string', value, start, i + 1);
      return i + 1;
    }
    if (ch === '\\') {
      const [decoded, length] = readEscape(query, i);
      value += decoded;
      i += length;
    } else {
      value += ch;
      i += 1;
    }
  }
  throw jqlSyntaxError(
    query,
    start,
    `The quoted string '${query.slice(start + 1)}' has not been completed.`,
  );
}

function readWord(query: string, start: number, push: Push): number {
  let value = '';
  let i = start;
  while (i < query.length) {
    const ch = query.charAt(i);
    if (/\s/.test(ch) || DELIMITERS.has(ch)) break;
    if (ch === '&' && query.charAt(i + 1) === '&') break;
    if (ch === '|' && query.charAt(i + 1) === '|') break;
    if (RESERVED.has(ch)) {
      const escape = `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
      throw jqlSyntaxError(
        query,
        i,
        `The character '${ch}' is a reserved JQL character. You must enclose it in a string or use the escape '${escape}' instead.`,
      );
    }
    if (ch === '\\') {
      const [decoded, length] = readEscape(query, i);
      value += decoded;
      i += length;
    } else {
      value += ch;
      i += 1;
    }
  }
  push('word', value, start, i);
  return i;
}

/** Decodes the escape at `at` (a backslash); returns the text and the source length. */
function readEscape(query: string, at: number): [string, number] {
  const code = query.charAt(at + 1);
  if (code === 'u') {
    const hex = query.slice(at + 2, at + 6);
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return [String.fromCharCode(parseInt(hex, 16)), 6];
  } else {
    const decoded = ESCAPES[code];
    if (decoded !== undefined) return [decoded, 2];
  }
  throw jqlSyntaxError(query, at, `The escape sequence '\\${code}' is not valid.`);
}
