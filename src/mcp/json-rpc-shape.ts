/**
 * Whether a parsed POST body holds only JSON-RPC 2.0 messages. The SDK
 * answers a body that parses as JSON but is no message (`null`, `42`,
 * `{"id":1}`) with -32700 Parse error; JSON-RPC reserves -32700 for text
 * that is not JSON, and calls valid JSON that is no request an Invalid
 * Request (-32600). `/mcp` answers those itself, before the SDK.
 */
import { parseJSONRPCMessage } from '@modelcontextprotocol/server';

function isMessage(value: unknown): boolean {
  try {
    parseJSONRPCMessage(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why `body` (already parsed, a single message or a batch) is an Invalid
 * Request, or `undefined` when every message in it is a JSON-RPC request,
 * notification or response. The caller answers HTTP 400 with -32600 and
 * `id: null`.
 * @see JSON-RPC 2.0 §4, §5.1 (-32700 for invalid JSON, -32600 for an invalid Request object); MCP 2025-11-25 basic/transports (Sending Messages to the Server)
 */
export function messageShapeRefusal(body: unknown): string | undefined {
  const messages: readonly unknown[] = Array.isArray(body) ? body : [body];
  if (messages.every(isMessage)) return undefined;
  return 'Invalid Request: the body is not a JSON-RPC 2.0 request, notification or response';
}
