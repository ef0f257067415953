/**
 * {@link GatewayMetrics} as Prometheus metrics (prom-client), each process
 * with its own registry: nothing is put in prom-client's global default
 * registry, so two gateways in one process (tests, one app per loopback
 * issuer) never share or double-register a metric.
 * @see https://prometheus.io/docs/practices/naming/
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { methodLabel, statusLabel, type GatewayMetrics, type JiraOutcome } from './metrics.js';

/** Every metric name starts with this (the application prefix of the naming practices). */
export const METRIC_PREFIX = 'jira_mcp_gateway_';

/** Seconds; from a metadata GET (a few ms) to a slow tool call. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; Jira answers in tens to thousands of ms, more with retries. */
const UPSTREAM_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The most distinct values a caller-fed label may take; beyond it new values
 * are counted as `other`. The callers pass bounded values already (route
 * patterns, catalog names, error constants): this is the second line, so a
 * bug there can never grow the registry without limit.
 */
const MAX_LABEL_VALUES = 256;

function boundedLabel(): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= MAX_LABEL_VALUES) return 'other';
    seen.add(value);
    return value;
  };
}

/** The registry of one process and the metrics it exposes. */
export interface PrometheusMetrics {
  metrics: GatewayMetrics;
  registry: Registry;
  /** The text exposition format of every metric, for `GET /metrics`. */
  render(): Promise<string>;
  /** `Content-Type` of {@link PrometheusMetrics.render}'s text. */
  contentType: string;
}

export interface PrometheusMetricsOptions {
  /** Sets `jira_mcp_gateway_build_info{version}`. */
  version: string;
  /**
   * Adds prom-client's process and Node.js metrics (CPU, memory, event loop
   * lag, GC) to the registry. Default true.
   */
  processMetrics?: boolean;
}

/**
 * A fresh registry with the gateway's metrics (names follow the Prometheus
 * conventions: `_total` counters, `_seconds` histograms, base units).
 * @see https://prometheus.io/docs/practices/naming/; https://prometheus.io/docs/practices/histograms/
 */
export function createPrometheusMetrics(options: PrometheusMetricsOptions): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  new Gauge({
    name: `${METRIC_PREFIX}build_info`,
    help: 'Always 1; the version label says which gateway runs.',
    labelNames: ['version'],
    registers,
  }).set({ version: options.version }, 1);

  const httpRequests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by route pattern (unmatched: no route), method and status.',
    labelNames: ['route', 'method', 'status'],
    registers,
  });
  const httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request (until the response is handed over), by route pattern and method.',
    labelNames: ['route', 'method'],
    buckets: HTTP_BUCKETS,
    registers,
  });
  const toolCalls = new Counter({
    name: `${METRIC_PREFIX}tool_calls_total`,
    help: 'MCP tool calls, by tool and outcome (success, or the failure code of the audit trail).',
    labelNames: ['tool', 'outcome'],
    registers,
  });
  const toolDuration = new Histogram({
    name: `${METRIC_PREFIX}tool_call_duration_seconds`,
    help: 'Time a tool call took, Jira requests included, by tool.',
    labelNames: ['tool'],
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const jiraRequests = new Counter({
    name: `${METRIC_PREFIX}jira_requests_total`,
    help: 'Requests to Jira, by final HTTP status (or network_error, timeout), after retries.',
    labelNames: ['status'],
    registers,
  });
  const jiraRetries = new Counter({
    name: `${METRIC_PREFIX}jira_request_retries_total`,
    help: 'Times a Jira request was sent again (after 429, 503 or a network error on a GET).',
    registers,
  });
  const jiraRateLimited = new Counter({
    name: `${METRIC_PREFIX}jira_rate_limited_responses_total`,
    help: 'Answers from Jira with status 429 (rate limited), retried or not.',
    registers,
  });
  const jiraDuration = new Histogram({
    name: `${METRIC_PREFIX}jira_request_duration_seconds`,
    help: 'Time a Jira request took, retries and their waits included.',
    buckets: UPSTREAM_BUCKETS,
    registers,
  });
  const tokensIssued = new Counter({
    name: `${METRIC_PREFIX}oauth_tokens_issued_total`,
    help: 'Successful token endpoint requests, by grant type.',
    labelNames: ['grant_type'],
    registers,
  });
  const tokensRefused = new Counter({
    name: `${METRIC_PREFIX}oauth_token_refusals_total`,
    help: 'Refused token endpoint requests, by OAuth error code (RFC 6749 §5.2).',
    labelNames: ['error'],
    registers,
  });

  // Known series from the start, so `rate()` and alerts see a 0, not an absent series.
  for (const grantType of ['authorization_code', 'refresh_token']) {
    tokensIssued.inc({ grant_type: grantType }, 0);
  }

  const route = boundedLabel();
  const tool = boundedLabel();
  const outcome = boundedLabel();
  const oauthLabel = boundedLabel();

  const metrics: GatewayMetrics = {
    httpRequest(path, method, status, seconds) {
      const labels = { route: route(path), method: methodLabel(method) };
      httpRequests.inc({ ...labels, status: statusLabel(status) });
      httpDuration.observe(labels, seconds);
    },
    toolCall(name, result, seconds) {
      const label = tool(name);
      toolCalls.inc({ tool: label, outcome: outcome(result) });
      if (seconds !== undefined) toolDuration.observe({ tool: label }, seconds);
    },
    jiraRequest(result: JiraOutcome, retries, seconds, rateLimited) {
      jiraRequests.inc({ status: typeof result === 'number' ? statusLabel(result) : result });
      if (retries > 0) jiraRetries.inc(retries);
      if (rateLimited > 0) jiraRateLimited.inc(rateLimited);
      jiraDuration.observe(seconds);
    },
    tokenIssued(grantType) {
      tokensIssued.inc({ grant_type: oauthLabel(grantType) });
    },
    tokenRefused(error) {
      tokensRefused.inc({ error: oauthLabel(error) });
    },
  };
  return {
    metrics,
    registry,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
