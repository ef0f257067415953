/**
 * Which JSON-RPC batches `/mcp` accepts. MCP 2025-03-26 allowed a POST body
 * to be an array of messages; 2025-06-18 removed batching, so a client that
 * speaks 2025-06-18 or later and sends an array gets an Invalid Request.
 * Batches of 2025-03-26 clients stay supported, but bounded: every tool call
 * in a batch runs (and is audited) concurrently, so an unbounded batch
 * would let one request occupy the server for everybody else.
 */

/** The last protocol revision that allowed JSON-RPC batches. */
export const LAST_BATCHING_PROTOCOL_VERSION = '2025-03-26';

/** Most messages one batch may hold (the SDK's own limit is 100). */
export const MAX_JSON_RPC_BATCH = 20;

/**
 * The protocol version a batch claims: the `MCP-Protocol-Version` header, or
 * else the version an `initialize` request in it offers, or else 2025-03-26,
 * which the spec says to assume when a request names no version.
 * @see MCP 2025-06-18 basic/transports (Protocol Version Header)
 */
function batchProtocolVersion(batch: readonly unknown[], header: string | null): string {
  if (header !== null) return header;
  for (const message of batch) {
    if (typeof message !== 'object' || message === null) continue;
    const m = message as { method?: unknown; params?: unknown };
    if (m.method !== 'initialize' || typeof m.params !== 'object' || m.params === null) continue;
    const offered = (m.params as { protocolVersion?: unknown }).protocolVersion;
    if (typeof offered === 'string') return offered;
  }
  return LAST_BATCHING_PROTOCOL_VERSION;
}

/**
 * Why a parsed POST body must be refused as a batch, or `undefined` when it
 * is a single message or an acceptable batch. The caller answers HTTP 400
 * with JSON-RPC error -32600 (Invalid Request) and `id: null`.
 * Versions are ISO dates, so "2025-06-18 and later" is a string comparison.
 * @see MCP 2025-06-18 changelog ("Remove support for JSON-RPC batching"); MCP 2025-06-18 basic/transports (Sending Messages to the Server: the body MUST be a single JSON-RPC message); MCP 2025-03-26 basic/transports; JSON-RPC 2.0 §5.1, §6 (an empty array is an Invalid Request)
 */
export function batchRefusal(
  body: unknown,
  protocolVersionHeader: string | null,
): string | undefined {
  if (!Array.isArray(body)) return undefined;
  const version = batchProtocolVersion(body, protocolVersionHeader);
  if (version > LAST_BATCHING_PROTOCOL_VERSION) {
    return `Invalid Request: JSON-RPC batches are not supported in protocol version ${version.slice(0, 40)} (batching was removed in 2025-06-18); send one message per request`;
  }
  if (body.length === 0) return 'Invalid Request: an empty JSON-RPC batch';
  if (body.length > MAX_JSON_RPC_BATCH) {
    return `Invalid Request: a JSON-RPC batch may hold at most ${MAX_JSON_RPC_BATCH} messages`;
  }
  return undefined;
}
