/**
 * Whether every `initialize` request in a body carries the params the
 * protocol requires. The SDK answers a malformed `initialize` with -32603
 * Internal error and the schema library's dump as its message: an internal
 * detail, and the wrong code for what is the caller's fault. `/mcp` answers
 * those itself with -32602 Invalid params.
 */
import { isInitializeRequest } from '@modelcontextprotocol/server';

export interface InitializeRefusal {
  id: string | number | null;
  message: string;
}

function requestId(message: object): string | number | null {
  const id: unknown = 'id' in message ? message.id : null;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/**
 * The first `initialize` request in `body` (a single message or a batch)
 * whose params are not `{ protocolVersion, capabilities, clientInfo }`, or
 * `undefined` when there is none. Call after the body is known to hold
 * JSON-RPC messages only.
 * @see MCP 2025-11-25 basic/lifecycle (Initialization); JSON-RPC 2.0 §5.1 (-32602)
 */
export function initializeParamsRefusal(body: unknown): InitializeRefusal | undefined {
  const messages: readonly unknown[] = Array.isArray(body) ? body : [body];
  for (const message of messages) {
    if (typeof message !== 'object' || message === null) continue;
    if (!('method' in message) || message.method !== 'initialize') continue;
    if (isInitializeRequest(message)) continue;
    return {
      id: requestId(message),
      message:
        'Invalid params: initialize needs params { protocolVersion: string, capabilities: object, clientInfo: { name, version } }',
    };
  }
  return undefined;
}
