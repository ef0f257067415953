/**
 * Compiles a parsed JQL query into a predicate over issues. Every clause is
 * validated up front (field, operator, operand, values) and all problems
 * are reported together, as Jira does, before anything is evaluated.
 *
 * Jira's EMPTY semantics are kept: `!=` and `NOT IN` never match an issue
 * whose field is empty (`assignee != bob` skips unassigned issues), and
 * `= EMPTY` means `IS EMPTY`.
 */
import type { Clause, Expression, JqlQuery, Operand, Operator } from './ast.js';
import {
  DATE_FUNCTIONS,
  evaluateDateFunction,
  invalidDateMessage,
  parseDateValue,
} from './dates.js';
import { JqlError } from './errors.js';
import {
  findJqlField,
  type JqlContext,
  type JqlField,
  type JqlIssue,
  type Resolved,
  type Scalar,
} from './fields.js';
import { compileOrder, type IssueComparator } from './order.js';
import { textMatches } from './text-match.js';

export type Predicate = (issue: JqlIssue) => boolean;

export interface CompiledJql {
  matches: Predicate;
  compare: IssueComparator;
  /** False for an empty or ORDER BY-only query, which /search/jql refuses. */
  bounded: boolean;
}

/**
 * Validates and compiles a query. Throws `JqlError` listing every problem.
 * @see https://support.atlassian.com/jira-software-cloud/docs/jql-operators/
 */
export function compileJql(query: JqlQuery, ctx: JqlContext): CompiledJql {
  const errors: string[] = [];
  const matches =
    query.where === undefined ? () => true : compileExpression(query.where, ctx, errors);
  const compare = compileOrder(query.orderBy, errors, ctx.users);
  if (errors.length > 0) throw new JqlError(errors);
  return { matches, compare, bounded: query.where !== undefined };
}

function compileExpression(expr: Expression, ctx: JqlContext, errors: string[]): Predicate {
  switch (expr.kind) {
    case 'and': {
      const parts = expr.children.map((child) => compileExpression(child, ctx, errors));
      return (issue) => parts.every((part) => part(issue));
    }
    case 'or': {
      const parts = expr.children.map((child) => compileExpression(child, ctx, errors));
      return (issue) => parts.some((part) => part(issue));
    }
    case 'not': {
      const inner = compileExpression(expr.child, ctx, errors);
      return (issue) => !inner(issue);
    }
    case 'clause':
      return compileClause(expr, ctx, errors);
  }
}

const NEVER: Predicate = () => false;

/** Jira Software's sprint functions: each stands for a list of sprint ids. */
const LIST_FUNCTIONS = new Set(['opensprints', 'closedsprints']);

function compileClause(clause: Clause, ctx: JqlContext, errors: string[]): Predicate {
  const { field: name, operator, operand } = clause;
  const field = findJqlField(name);
  if (field === undefined) {
    errors.push(`Field '${name}' does not exist or you do not have permission to view it.`);
    return NEVER;
  }
  if (!field.operators.includes(operator)) {
    errors.push(`The operator '${operator}' is not supported by the '${name}' field.`);
    return NEVER;
  }
  const shapeError = checkOperandShape(operator, operand, name);
  if (shapeError !== undefined) {
    errors.push(shapeError);
    return NEVER;
  }
  if (field.kind === 'text' && (operator === '~' || operator === '!~')) {
    return compileText(field, clause, errors);
  }
  const items = operand.kind === 'list' ? operand.items : [operand];
  const targets: Scalar[] = [];
  let includesEmpty = false;
  for (const item of items) {
    const resolved = resolveOperand(field, item, name, ctx);
    if ('error' in resolved) errors.push(resolved.error);
    else if ('empty' in resolved) includesEmpty = true;
    else if ('values' in resolved) targets.push(...resolved.values);
    else targets.push(resolved.value);
  }
  return predicateFor(field, operator, targets, includesEmpty);
}

function checkOperandShape(
  operator: Operator,
  operand: Operand,
  field: string,
): string | undefined {
  const isList = operand.kind === 'list';
  // A list function (`openSprints()`) stands for a list.
  const listFunction =
    operand.kind === 'function' && LIST_FUNCTIONS.has(operand.name.toLowerCase());
  if ((operator === 'in' || operator === 'not in') && !isList && !listFunction) {
    return `Operator '${operator}' does not support the non-list value '${operand.raw}' for field '${field}'.`;
  }
  if (operator !== 'in' && operator !== 'not in' && listFunction) {
    return `The operator '${operator}' is not supported by the '${operand.name}' function.`;
  }
  if (operator !== 'in' && operator !== 'not in' && isList) {
    return `Operator '${operator}' does not support the list value '${operand.raw}' for field '${field}'.`;
  }
  if ((operator === 'is' || operator === 'is not') && operand.kind !== 'empty') {
    return `Operator '${operator}' only supports the values 'EMPTY' and 'NULL' for field '${field}'.`;
  }
  if (['<', '<=', '>', '>='].includes(operator) && operand.kind === 'empty') {
    return `Operator '${operator}' does not support the value '${operand.raw}' for field '${field}'.`;
  }
  return undefined;
}

function resolveOperand(
  field: JqlField,
  operand: Operand,
  name: string,
  ctx: JqlContext,
): Resolved {
  switch (operand.kind) {
    case 'empty':
      return { empty: true };
    case 'list':
      return { error: `Operator 'in' does not support nested lists for field '${name}'.` };
    case 'function':
      return resolveFunction(field, operand, name, ctx);
    case 'value': {
      if (field.kind !== 'date') return field.resolve(operand.value, name, ctx);
      const at = parseDateValue(operand.value, ctx.now);
      return at === undefined ? { error: invalidDateMessage(operand.value, name) } : { value: at };
    }
  }
}

function resolveFunction(
  field: JqlField,
  operand: Extract<Operand, { kind: 'function' }>,
  name: string,
  ctx: JqlContext,
): Resolved {
  const fn = operand.name.toLowerCase();
  if (fn === 'currentuser' && field.userFunction === true) {
    return operand.args.length === 0
      ? { value: ctx.currentAccountId }
      : {
          error: `Function 'currentUser' expected no arguments but received ${operand.args.length}.`,
        };
  }
  if (DATE_FUNCTIONS.has(fn) && field.kind === 'date') {
    const at = evaluateDateFunction(operand.name, operand.args, ctx.now);
    return at === undefined
      ? {
          error: `Function '${operand.name}' could not be evaluated with the arguments '${operand.args.join(', ')}'.`,
        }
      : { value: at };
  }
  if (LIST_FUNCTIONS.has(fn) && field.sprintFunctions === true) {
    if (operand.args.length > 0) {
      return {
        error: `Function '${operand.name}' expected no arguments but received ${operand.args.length}.`,
      };
    }
    const wanted = fn === 'opensprints' ? ['future', 'active'] : ['closed'];
    return {
      values: (ctx.sprints ?? []).filter((s) => wanted.includes(s.state)).map((s) => s.id),
    };
  }
  if (fn === 'currentuser' || DATE_FUNCTIONS.has(fn) || LIST_FUNCTIONS.has(fn)) {
    return { error: `Function '${operand.name}' is not supported by the '${name}' field.` };
  }
  return { error: `Unable to find JQL function '${operand.raw}'.` };
}

function predicateFor(
  field: JqlField,
  operator: Operator,
  targets: readonly Scalar[],
  includesEmpty: boolean,
): Predicate {
  const wanted = new Set(targets);
  const hit = (values: Scalar[]): boolean => values.some((value) => wanted.has(value));
  switch (operator) {
    case '=':
    case 'in':
    case 'is':
      return (issue) => {
        const values = field.values(issue);
        return hit(values) || (includesEmpty && values.length === 0);
      };
    case '!=':
    case 'not in':
    case 'is not':
      return (issue) => {
        const values = field.values(issue);
        return values.length > 0 && !hit(values);
      };
    default:
      return relational(field, operator, targets[0]);
  }
}

function relational(field: JqlField, operator: Operator, target: Scalar | undefined): Predicate {
  const compare = field.compare;
  if (compare === undefined || target === undefined) return NEVER;
  const test = (order: number): boolean => {
    switch (operator) {
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      default:
        return order >= 0;
    }
  };
  return (issue) =>
    field.values(issue).some((value) => {
      const order = compare(value, target);
      return order !== undefined && test(order);
    });
}

function compileText(field: JqlField, clause: Clause, errors: string[]): Predicate {
  const { operand, operator, field: name } = clause;
  if (operand.kind !== 'value') {
    errors.push(
      `Operator '${operator}' does not support the value '${operand.raw}' for field '${name}'.`,
    );
    return NEVER;
  }
  if (operand.value.trim() === '') {
    errors.push(`The field '${name}' does not support searching for an empty string.`);
    return NEVER;
  }
  const query = operand.value;
  const contains = (issue: JqlIssue): boolean =>
    field.values(issue).some((value) => textMatches(String(value), query));
  return operator === '~'
    ? contains
    : (issue) => field.values(issue).length > 0 && !contains(issue);
}
