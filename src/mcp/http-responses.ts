/**
 * The HTTP answers `/mcp` gives before (or instead of) the SDK: JSON-RPC
 * error bodies with the statuses the Streamable HTTP transport uses, and the
 * CORS headers browser-based MCP clients need.
 */

/** JSON-RPC 2.0 error codes used at the transport level. */
export const JSON_RPC_ERROR = {
  parseError: -32700,
  invalidRequest: -32600,
  invalidParams: -32602,
  internalError: -32603,
  /** Implementation-defined server error; the SDK uses it for transport refusals. */
  serverError: -32000,
} as const;

/**
 * A JSON-RPC error response with an HTTP status. `id` is null unless the
 * refused request's id is known (JSON-RPC 2.0 §5.1).
 * @see JSON-RPC 2.0 §5, §5.1; MCP 2025-11-25 transports (Streamable HTTP)
 */
export function jsonRpcErrorResponse(
  status: number,
  code: number,
  message: string,
  options: { headers?: Record<string, string>; id?: string | number | null } = {},
): Response {
  return new Response(
    JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: options.id ?? null }),
    { status, headers: { 'content-type': 'application/json', ...options.headers } },
  );
}

/** Request headers a browser client may send to `/mcp`. */
export const MCP_CORS_ALLOW_HEADERS =
  'authorization, content-type, mcp-protocol-version, mcp-session-id, last-event-id';
/** Response headers a browser client must be able to read (the 401 challenge above all). */
export const MCP_CORS_EXPOSE_HEADERS = 'WWW-Authenticate, mcp-session-id, mcp-protocol-version';

/**
 * CORS headers for a response to an allowed `origin`. Credentials (cookies)
 * are never allowed: `/mcp` authenticates with bearer tokens only.
 * @see Fetch Standard §3.2 (CORS protocol)
 */
export function mcpCorsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': MCP_CORS_EXPOSE_HEADERS,
  };
}

/**
 * The answer to a CORS preflight from an allowed `origin`.
 * @see Fetch Standard §3.2.2 (HTTP requests: CORS-preflight)
 */
export function mcpPreflightResponse(origin: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...mcpCorsHeaders(origin),
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': MCP_CORS_ALLOW_HEADERS,
      'access-control-max-age': '600',
    },
  });
}

/** A copy of `response` with `headers` added (the original may be immutable). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: merged,
  });
}
