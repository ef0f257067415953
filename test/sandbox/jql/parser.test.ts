import { describe, expect, it } from 'vitest';
import type { Expression } from '../../../src/sandbox/jql/ast.js';
import { JqlError } from '../../../src/sandbox/jql/errors.js';
import { parseJql } from '../../../src/sandbox/jql/parser.js';

/** A compact rendering of the tree: clauses as `field op operand`, groups as S-expressions. */
function show(expr: Expression | undefined): string {
  if (expr === undefined) return '';
  switch (expr.kind) {
    case 'and':
    case 'or':
      return `(${expr.kind} ${expr.children.map(show).join(' ')})`;
    case 'not':
      return `(not ${show(expr.child)})`;
    case 'clause': {
      const { operand } = expr;
      const value =
        operand.kind === 'list'
          ? `[${operand.items.map((i) => (i.kind === 'value' ? i.value : i.raw)).join('|')}]`
          : operand.kind === 'value'
            ? operand.value
            : operand.kind === 'empty'
              ? 'EMPTY'
              : `${operand.name}(${operand.args.join(',')})`;
      return `${expr.field} ${expr.operator} ${value}`;
    }
  }
}

function errorOf(query: string): readonly string[] {
  try {
    parseJql(query);
  } catch (error) {
    if (error instanceof JqlError) return error.messages;
    throw error;
  }
  throw new Error(`expected "${query}" to be rejected`);
}

const OPERATORS =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

describe('JQL parser', () => {
  it('parses each operator', () => {
    const query =
      'a = 1 AND b != 2 AND c ~ x AND d !~ y AND e < 1 AND f <= 1 AND g > 1 AND h >= 1 ' +
      'AND i IN (1, 2) AND j NOT IN (3) AND k IS EMPTY AND l IS NOT NULL';
    expect(show(parseJql(query).where)).toBe(
      '(and a = 1 b != 2 c ~ x d !~ y e < 1 f <= 1 g > 1 h >= 1 i in [1|2] j not in [3] k is EMPTY l is not EMPTY)',
    );
  });

  it('binds AND tighter than OR', () => {
    expect(show(parseJql('a = 1 OR b = 2 AND c = 3').where)).toBe('(or a = 1 (and b = 2 c = 3))');
  });

  it('lets parentheses override precedence', () => {
    expect(show(parseJql('(a = 1 OR b = 2) AND c = 3').where)).toBe('(and (or a = 1 b = 2) c = 3)');
  });

  it('binds NOT tighter than AND, and nests it', () => {
    expect(show(parseJql('NOT a = 1 AND NOT NOT b = 2').where)).toBe(
      '(and (not a = 1) (not (not b = 2)))',
    );
  });

  it('reads keywords in any case', () => {
    expect(show(parseJql('a in (1) aNd b Is nOt empty oR c not IN (2)').where)).toBe(
      '(or (and a in [1] b is not EMPTY) c not in [2])',
    );
  });

  it('parses functions with and without arguments, also inside lists', () => {
    expect(
      show(parseJql('assignee in (currentUser(), EMPTY) AND created > startOfDay("-1d")').where),
    ).toBe('(and assignee in [currentUser()|EMPTY] created > startOfDay(-1d))');
  });

  it('accepts a quoted field name', () => {
    expect(show(parseJql('"summary" ~ "in quotes"').where)).toBe('summary ~ in quotes');
  });

  it('parses ORDER BY with and without directions', () => {
    expect(parseJql('project = DEMO ORDER BY priority DESC, key, created asc').orderBy).toEqual([
      { field: 'priority', start: 24, direction: 'desc' },
      { field: 'key', start: 39 },
      { field: 'created', start: 44, direction: 'asc' },
    ]);
  });

  it('parses an ORDER BY-only query and an empty query without a where clause', () => {
    expect(parseJql('order by key').where).toBeUndefined();
    expect(parseJql('   ')).toEqual({ orderBy: [] });
  });

  it("reports a missing operator with Jira's wording and position", () => {
    expect(errorOf('invalid query')).toEqual([
      `Error in the JQL Query: Expecting operator but got 'query'. ${OPERATORS} (line 1, character 9)`,
    ]);
  });

  it('reports a query that ends where an operator belongs', () => {
    expect(errorOf('status')).toEqual([
      `Error in the JQL Query: Expecting operator before the end of the query. ${OPERATORS} (line 1, character 7)`,
    ]);
  });

  it('reports a missing value', () => {
    expect(errorOf('status =')).toEqual([
      'Error in the JQL Query: Expecting either a value, list or function before the end of the query. (line 1, character 9)',
    ]);
  });

  it('asks for quotes around a reserved word used as a value', () => {
    expect(errorOf('labels = and')).toEqual([
      "Error in the JQL Query: Expecting either a value, list or function but got 'and'. You must surround 'and' in quotation characters to use it as a value. (line 1, character 10)",
    ]);
  });

  it('reports an unclosed parenthesis', () => {
    expect(errorOf('(status = Done')).toEqual([
      "Error in the JQL Query: Expecting ')' before the end of the query. (line 1, character 15)",
    ]);
  });

  it('reports text after a complete clause', () => {
    expect(errorOf('status = Done priority = High')).toEqual([
      "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'priority'. (line 1, character 15)",
    ]);
  });

  it('reports ORDER without BY', () => {
    expect(errorOf('status = Done ORDER key')).toEqual([
      "Error in the JQL Query: Expecting 'BY' but got 'key'. (line 1, character 21)",
    ]);
  });

  it('reports a dangling AND', () => {
    expect(errorOf('status = Done AND')).toEqual([
      'Error in the JQL Query: Expecting a field name before the end of the query. (line 1, character 18)',
    ]);
  });
});
