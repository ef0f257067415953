/**
 * Which function answers which path on the one HTTP API. `/mcp` and the
 * protected resource metadata (RFC 9728) belong to the MCP function, since
 * clients discover the authorization server from the MCP host; everything
 * else (`$default`) is the authorization server's.
 */
import { MCP_PATH, PROTECTED_RESOURCE_WELL_KNOWN } from '../src/mcp/protected-resource-metadata.js';

/** HTTP API route paths (every method) integrated with the MCP function. */
export const MCP_ROUTE_PATHS: readonly string[] = [
  MCP_PATH,
  `${MCP_PATH}/{proxy+}`,
  PROTECTED_RESOURCE_WELL_KNOWN,
  `${PROTECTED_RESOURCE_WELL_KNOWN}/{proxy+}`,
];

/** The route key of every other request. */
export const DEFAULT_ROUTE_KEY = '$default';

export type GatewayFunction = 'oauth' | 'mcp';

/**
 * The route API Gateway selects for a path among {@link MCP_ROUTE_PATHS}
 * and `$default`: an exact path wins; a `{proxy+}` path matches one or more
 * further segments; anything else falls to `$default`.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
export function routeForPath(rawPath: string): { routeKey: string; target: GatewayFunction } {
  for (const path of MCP_ROUTE_PATHS) {
    const greedy = path.endsWith('/{proxy+}');
    const prefix = greedy ? path.slice(0, -'{proxy+}'.length) : path;
    const matches = greedy
      ? rawPath.startsWith(prefix) && rawPath.length > prefix.length
      : rawPath === path;
    if (matches) return { routeKey: `ANY ${path}`, target: 'mcp' };
  }
  return { routeKey: DEFAULT_ROUTE_KEY, target: 'oauth' };
}
