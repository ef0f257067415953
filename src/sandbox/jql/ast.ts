/**
 * The JQL syntax tree the parser produces and the evaluator compiles.
 * Positions are 0-based source offsets, kept for error messages.
 */

export type Operator =
  '=' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not';

export type Operand =
  | { kind: 'value'; value: string; raw: string; start: number }
  | { kind: 'empty'; raw: string; start: number }
  | { kind: 'function'; name: string; args: string[]; raw: string; start: number }
  | { kind: 'list'; items: Operand[]; raw: string; start: number };

export interface Clause {
  kind: 'clause';
  /** The field as written; resolved case-insensitively by the evaluator. */
  field: string;
  fieldStart: number;
  operator: Operator;
  operand: Operand;
}

export type Expression =
  | Clause
  | { kind: 'and'; children: Expression[] }
  | { kind: 'or'; children: Expression[] }
  | { kind: 'not'; child: Expression };

export interface SortTerm {
  field: string;
  start: number;
  /** Absent when the query gives no direction. */
  direction?: 'asc' | 'desc';
}

export interface JqlQuery {
  /** Absent for an empty query or one with only ORDER BY (an unbounded query). */
  where?: Expression;
  orderBy: SortTerm[];
}
