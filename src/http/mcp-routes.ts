/**
 * Mounts the MCP resource server on the gateway's Hono app: the RFC 9728
 * metadata documents and the Streamable HTTP endpoint `/mcp`. The work is
 * done by framework-free handlers in src/mcp/; this file only routes.
 */
import type { Env, Hono } from 'hono';
import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { JiraClient } from '../jira/client.js';
import type { CallerJira } from '../mcp/caller-jira.js';
import { createMcpEndpoint } from '../mcp/mcp-endpoint.js';
import {
  MCP_PATH,
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadata,
} from '../mcp/protected-resource-metadata.js';
import type { TokenVerifier } from '../mcp/token-verifier.js';
import type { GrantRepository } from '../storage/ports.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { JIRA_LINK_PATHS } from './jira-link-paths.js';

export interface McpRoutesDeps {
  config: Config;
  verifier: TokenVerifier;
  /** The shared Jira client (service mode); used for everybody when `callerJira` is absent. */
  jira?: JiraClient;
  /** Each caller's own Jira client and account (the PersonalJira of JIRA_AUTH). */
  callerJira?: CallerJira;
  /** Per-person modes: where the grant of a caller without a working link is revoked. */
  grants?: Pick<GrantRepository, 'revoke'>;
  audit: AuditLog;
  clock: Clock;
  /** Receives unexpected faults as structured lines; defaults to stderr. */
  log?: (line: object) => void;
  /** Counts tool calls (METRICS); absent: nothing is counted. */
  metrics?: Pick<GatewayMetrics, 'toolCall'>;
}

/** Public and cacheable: the document holds no secret and changes only with configuration. */
const METADATA_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
  // Browser MCP clients send their protocol version on discovery requests too.
  'access-control-allow-headers': 'mcp-protocol-version',
  'cache-control': 'public, max-age=300',
} as const;

/**
 * Registers, on `app`:
 * - `GET /.well-known/oauth-protected-resource/mcp` and
 *   `GET /.well-known/oauth-protected-resource` — the same protected
 *   resource metadata (CORS `*`, GET/OPTIONS), so clients that probe either
 *   location find it;
 * - `/mcp` (every method) — the stateless Streamable HTTP MCP endpoint.
 * Paths are relative to `PUBLIC_URL`, like every other route of the app.
 * @see RFC 9728 §3, §3.1; MCP 2025-11-25 authorization (Protected Resource Metadata Discovery Requirements); MCP 2025-11-25 transports (Streamable HTTP)
 */
export function registerMcpRoutes<E extends Env>(app: Hono<E>, deps: McpRoutesDeps): void {
  const document = protectedResourceMetadata({
    resource: deps.config.resource,
    issuer: deps.config.publicUrl,
  });
  const body = JSON.stringify(document);
  for (const path of [
    `${PROTECTED_RESOURCE_WELL_KNOWN}${MCP_PATH}`,
    PROTECTED_RESOURCE_WELL_KNOWN,
  ]) {
    app.get(
      path,
      () =>
        new Response(body, {
          status: 200,
          headers: { 'content-type': 'application/json', ...METADATA_HEADERS },
        }),
    );
    app.options(path, () => new Response(null, { status: 204, headers: METADATA_HEADERS }));
  }

  const endpoint = createMcpEndpoint({
    config: deps.config,
    verifier: deps.verifier,
    ...(deps.jira === undefined ? {} : { jira: deps.jira }),
    ...(deps.callerJira === undefined ? {} : { callerJira: deps.callerJira }),
    ...(deps.grants === undefined ? {} : { grants: deps.grants }),
    jiraLinkUrl: `${deps.config.publicUrl}${JIRA_LINK_PATHS.link}`,
    audit: deps.audit,
    clock: deps.clock,
    ...(deps.log === undefined ? {} : { log: deps.log }),
    ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
  });
  app.all(MCP_PATH, (c) => endpoint(c.req.raw));
}
