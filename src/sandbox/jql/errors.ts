/**
 * JQL errors carry Jira's exact wording, because clients show them to
 * people and some match on them. Syntax errors are prefixed with
 * "Error in the JQL Query:" and end with the 1-based line and character of
 * the offending token; validation errors (unknown field, value, operator)
 * are bare sentences, as in Jira.
 */

/** A rejected query, with one message per problem, each worded as Jira words it. */
export class JqlError extends Error {
  readonly messages: readonly string[];

  constructor(messages: readonly string[]) {
    super(messages.join(' '));
    this.name = 'JqlError';
    this.messages = messages;
  }
}

/**
 * A syntax error at `offset` (0-based) in `query`, worded as Jira words it.
 * @see Jira Cloud REST v3 POST /rest/api/3/jql/parse (error examples)
 */
export function jqlSyntaxError(query: string, offset: number, detail: string): JqlError {
  return new JqlError([`Error in the JQL Query: ${detail} ${position(query, offset)}`]);
}

function position(query: string, offset: number): string {
  const before = query.slice(0, offset);
  const line = before.split('\n').length;
  const character = offset - before.lastIndexOf('\n');
  return `(line ${line}, character ${character})`;
}
