import { describe, expect, it } from 'vitest';
import { peekToolCalls } from '../../src/mcp/tool-call-peek.js';

describe('tools/call peek (JSON-RPC 2.0 §4, §6)', () => {
  it('finds tool calls in single messages and batches, skipping everything else', () => {
    expect(
      peekToolCalls({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'x', arguments: { a: 1 } },
      }),
    ).toEqual([{ id: 1, name: 'x', arguments: { a: 1 } }]);
    expect(
      peekToolCalls([
        { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'y' } },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 7 } },
        null,
      ]),
    ).toEqual([{ id: 'a', name: 'y', arguments: undefined }]);
  });
});
