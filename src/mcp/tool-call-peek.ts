/**
 * A look at a JSON-RPC body before the SDK sees it, to find the tools it
 * wants to call. The route needs this to answer a call to a tool the token's
 * scopes do not cover with an HTTP 403 step-up challenge: by the time the
 * SDK dispatches, the status line could no longer change.
 */

export interface PeekedToolCall {
  id: string | number;
  name: string;
  /** The raw, unvalidated arguments; only used to name the issue in the audit trail. */
  arguments: unknown;
}

function asToolCall(message: unknown): PeekedToolCall | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as { jsonrpc?: unknown; method?: unknown; id?: unknown; params?: unknown };
  if (m.jsonrpc !== '2.0' || m.method !== 'tools/call') return undefined;
  if (typeof m.id !== 'string' && typeof m.id !== 'number') return undefined;
  const params = m.params as { name?: unknown; arguments?: unknown } | null | undefined;
  if (typeof params !== 'object' || params === null || typeof params.name !== 'string') {
    return undefined;
  }
  return { id: m.id, name: params.name, arguments: params.arguments };
}

/**
 * The `tools/call` requests in a parsed body: a single message or a batch
 * (2025-03-26 allows batches). Anything malformed is skipped here and left
 * for the SDK to reject.
 * @see JSON-RPC 2.0 §4, §6; MCP 2025-11-25 server/tools (Calling Tools)
 */
export function peekToolCalls(body: unknown): PeekedToolCall[] {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  const calls: PeekedToolCall[] = [];
  for (const message of messages) {
    const call = asToolCall(message);
    if (call !== undefined) calls.push(call);
  }
  return calls;
}
