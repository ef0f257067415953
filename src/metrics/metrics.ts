/**
 * What the gateway counts, as one small interface its parts call (the HTTP
 * middleware, the MCP server, the Jira transport, the token endpoint), so
 * that none of them imports prom-client. {@link NOOP_METRICS} is the default
 * everywhere; `serve` with METRICS=true passes a Prometheus implementation
 * (prometheus-metrics.ts). Every label value handed in here must come from a
 * bounded set (a route pattern, a tool name from the catalog, an error code
 * constant): never a raw path, a query or anything else a caller chooses.
 */

/** A Jira exchange's end: the final HTTP status, or why there was none. */
export type JiraOutcome = number | 'network_error' | 'timeout';

export interface GatewayMetrics {
  /**
   * One HTTP request answered. `route` is the matched route PATTERN (e.g.
   * `/mcp`, `/jira/*`) or `unmatched`, never the raw path.
   */
  httpRequest(route: string, method: string, status: number, seconds: number): void;
  /**
   * One `tools/call`: `tool` is a catalog name (or `unknown` for a name the
   * catalog lacks), `outcome` is `success` or the failure code written to
   * the audit trail (`not_found`, `invalid_arguments`, `internal_error`…).
   * `seconds` is absent for calls refused before any handler ran (unknown
   * tool, invalid arguments): they are counted but not timed.
   */
  toolCall(tool: string, outcome: string, seconds?: number): void;
  /**
   * One request to Jira as the tools see it, retries included: its final
   * outcome, how many times it was resent, how many of its answers were 429,
   * and the whole time taken (waits between retries included).
   */
  jiraRequest(outcome: JiraOutcome, retries: number, seconds: number, rateLimited: number): void;
  /** The token endpoint issued tokens for `grantType`. */
  tokenIssued(grantType: string): void;
  /** The token endpoint refused with OAuth error code `error` (RFC 6749 §5.2). */
  tokenRefused(error: string): void;
}

/** Counts nothing: the default when METRICS is off, on Lambda and in most tests. */
export const NOOP_METRICS: GatewayMetrics = Object.freeze({
  httpRequest: () => undefined,
  toolCall: () => undefined,
  jiraRequest: () => undefined,
  tokenIssued: () => undefined,
  tokenRefused: () => undefined,
});

/** Methods given their own label value; any other method is counted as `OTHER`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The method label: one of a fixed set, so an invented method cannot add series.
 * @see RFC 9110 §9
 */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'OTHER';
}

/**
 * The status label: a real HTTP status code as digits, anything else `other`.
 * @see RFC 9110 §15
 */
export function statusLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
}
