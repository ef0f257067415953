/**
 * Recursive-descent JQL parser. Grammar (keywords case-insensitive):
 *
 *   query    := [or] [ORDER BY sort (',' sort)*] EOF
 *   or       := and (OR and)*
 *   and      := not (AND not)*
 *   not      := NOT not | '(' or ')' | clause
 *   clause   := field operator operand
 *   operator := = | != | ~ | !~ | < | <= | > | >= | IN | NOT IN | IS | IS NOT
 *   operand  := value | EMPTY | NULL | function | '(' item (',' item)* ')'
 *   function := word '(' [arg (',' arg)*] ')'
 *   sort     := field [ASC | DESC]
 *
 * Precedence is NOT over AND over OR, as in Jira.
 */
import type { Clause, Expression, JqlQuery, Operand, Operator, SortTerm } from './ast.js';
import { jqlSyntaxError, type JqlError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const RESERVED_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'null', 'order', 'by']);

const OPERATOR_LIST =
  "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

/**
 * Parses a JQL query. Throws `JqlError` with Jira's wording on a syntax error.
 * @see https://support.atlassian.com/jira-software-cloud/docs/use-advanced-search-with-jira-query-language-jql/
 */
export function parseJql(query: string): JqlQuery {
  return new Parser(query).parseQuery();
}

class Parser {
  readonly #query: string;
  readonly #tokens: Token[];
  #index = 0;

  constructor(query: string) {
    this.#query = query;
    this.#tokens = tokenize(query);
  }

  parseQuery(): JqlQuery {
    const where =
      this.#peek().kind === 'eof' || this.#isKeyword('order') ? undefined : this.#parseOr();
    const orderBy = this.#isKeyword('order') ? this.#parseOrderBy() : [];
    const rest = this.#peek();
    if (rest.kind !== 'eof') {
      throw this.#error(
        rest,
        where === undefined ? 'Expecting a field name' : "Expecting either 'OR' or 'AND'",
      );
    }
    return where === undefined ? { orderBy } : { where, orderBy };
  }

  #parseOr(): Expression {
    const children = [this.#parseAnd()];
    while (this.#isKeyword('or')) {
      this.#index += 1;
      children.push(this.#parseAnd());
    }
    return children.length === 1 && children[0] !== undefined
      ? children[0]
      : { kind: 'or', children };
  }

  #parseAnd(): Expression {
    const children = [this.#parseNot()];
    while (this.#isKeyword('and')) {
      this.#index += 1;
      children.push(this.#parseNot());
    }
    return children.length === 1 && children[0] !== undefined
      ? children[0]
      : { kind: 'and', children };
  }

  #parseNot(): Expression {
    if (this.#isKeyword('not')) {
      this.#index += 1;
      return { kind: 'not', child: this.#parseNot() };
    }
    if (this.#peek().kind === 'lparen') {
      this.#index += 1;
      const inner = this.#parseOr();
      this.#expect('rparen', "Expecting ')'");
      return inner;
    }
    return this.#parseClause();
  }

  #parseClause(): Clause {
    const field = this.#parseFieldName();
    const operator = this.#parseOperator();
    const operand = this.#parseOperand(true);
    return { kind: 'clause', field: field.value, fieldStart: field.start, operator, operand };
  }

  #parseFieldName(): Token {
    const token = this.#peek();
    if (token.kind === 'string' || (token.kind === 'word' && !this.#isReserved(token))) {
      this.#index += 1;
      return token;
    }
    throw this.#error(token, 'Expecting a field name', 'field name');
  }

  #parseOperator(): Operator {
    const token = this.#peek();
    if (token.kind === 'operator') {
      this.#index += 1;
      return token.value as Operator;
    }
    if (this.#isKeyword('in')) {
      this.#index += 1;
      return 'in';
    }
    if (this.#isKeyword('not') && this.#isKeyword('in', 1)) {
      this.#index += 2;
      return 'not in';
    }
    if (this.#isKeyword('is')) {
      this.#index += 1;
      if (this.#isKeyword('not')) {
        this.#index += 1;
        return 'is not';
      }
      return 'is';
    }
    const got = token.kind === 'eof' ? 'before the end of the query' : `but got '${token.raw}'`;
    throw jqlSyntaxError(this.#query, token.start, `Expecting operator ${got}. ${OPERATOR_LIST}`);
  }

  #parseOperand(listAllowed: boolean): Operand {
    const token = this.#peek();
    if (token.kind === 'lparen' && listAllowed) {
      this.#index += 1;
      const items = [this.#parseOperand(false)];
      while (this.#peek().kind === 'comma') {
        this.#index += 1;
        items.push(this.#parseOperand(false));
      }
      const close = this.#expect('rparen', "Expecting ')'");
      const raw = this.#query.slice(token.start, close.start + 1);
      return { kind: 'list', items, raw, start: token.start };
    }
    if (this.#isKeyword('empty') || this.#isKeyword('null')) {
      this.#index += 1;
      return { kind: 'empty', raw: token.raw, start: token.start };
    }
    if (token.kind === 'word' && !this.#isReserved(token) && this.#peek(1).kind === 'lparen') {
      return this.#parseFunction(token);
    }
    if (token.kind === 'string' || (token.kind === 'word' && !this.#isReserved(token))) {
      this.#index += 1;
      return { kind: 'value', value: token.value, raw: token.raw, start: token.start };
    }
    throw this.#error(token, 'Expecting either a value, list or function', 'value');
  }

  #parseFunction(name: Token): Operand {
    this.#index += 2;
    const args: string[] = [];
    if (this.#peek().kind !== 'rparen') {
      args.push(this.#parseArgument());
      while (this.#peek().kind === 'comma') {
        this.#index += 1;
        args.push(this.#parseArgument());
      }
    }
    const close = this.#expect('rparen', "Expecting ')'");
    const raw = this.#query.slice(name.start, close.start + 1);
    return { kind: 'function', name: name.value, args, raw, start: name.start };
  }

  #parseArgument(): string {
    const token = this.#peek();
    if (token.kind === 'word' || token.kind === 'string') {
      this.#index += 1;
      return token.value;
    }
    throw this.#error(token, 'Expecting a function argument');
  }

  #parseOrderBy(): SortTerm[] {
    this.#index += 1;
    if (!this.#isKeyword('by')) throw this.#error(this.#peek(), "Expecting 'BY'");
    this.#index += 1;
    const terms = [this.#parseSortTerm()];
    while (this.#peek().kind === 'comma') {
      this.#index += 1;
      terms.push(this.#parseSortTerm());
    }
    const rest = this.#peek();
    if (rest.kind !== 'eof')
      throw this.#error(rest, "Expecting either ',' or the end of the query");
    return terms;
  }

  #parseSortTerm(): SortTerm {
    const field = this.#parseFieldName();
    if (this.#isKeyword('asc') || this.#isKeyword('desc')) {
      const direction = this.#peek().value.toLowerCase() === 'asc' ? 'asc' : 'desc';
      this.#index += 1;
      return { field: field.value, start: field.start, direction };
    }
    return { field: field.value, start: field.start };
  }

  #peek(ahead = 0): Token {
    const token = this.#tokens[Math.min(this.#index + ahead, this.#tokens.length - 1)];
    // tokenize() always ends with an eof token, so the list is never empty.
    if (token === undefined) throw new Error('token stream is empty');
    return token;
  }

  #isKeyword(keyword: string, ahead = 0): boolean {
    const token = this.#peek(ahead);
    return token.kind === 'word' && token.value.toLowerCase() === keyword;
  }

  #isReserved(token: Token): boolean {
    return token.kind === 'word' && RESERVED_WORDS.has(token.value.toLowerCase());
  }

  #expect(kind: Token['kind'], expecting: string): Token {
    const token = this.#peek();
    if (token.kind !== kind) throw this.#error(token, expecting);
    this.#index += 1;
    return token;
  }

  #error(token: Token, expecting: string, quoteAs?: string): JqlError {
    if (token.kind === 'eof') {
      return jqlSyntaxError(this.#query, token.start, `${expecting} before the end of the query.`);
    }
    const hint =
      quoteAs !== undefined && this.#isReserved(token)
        ? ` You must surround '${token.raw}' in quotation characters to use it as a ${quoteAs}.`
        : '';
    return jqlSyntaxError(this.#query, token.start, `${expecting} but got '${token.raw}'.${hint}`);
  }
}
