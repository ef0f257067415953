import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_RPC_BATCH } from '../../src/mcp/json-rpc-batch.js';
import { startMcpTestBed, type McpTestBed } from './helpers/test-bed.js';

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

const listTools = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list' });
const ping = (id: number) => ({ jsonrpc: '2.0', id, method: 'ping' });
const searchCall = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'jira_search_issues', arguments: { jql: 'project = DEMO' } },
});

describe('/mcp JSON-RPC batches (MCP 2025-03-26 transports; removed in MCP 2025-06-18)', () => {
  let bed: McpTestBed;
  let auth: Record<string, string>;

  beforeAll(async () => {
    bed = await startMcpTestBed();
    auth = { authorization: `Bearer ${(await bed.mint(['jira:read'])).token}` };
  });
  afterAll(async () => {
    await bed.close();
  });

  function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth, ...headers },
      body: JSON.stringify(body),
    });
  }

  it('refuses a batch with 400 and -32600 Invalid Request for 2025-06-18 and 2025-11-25, running none of its calls', async () => {
    for (const version of ['2025-06-18', '2025-11-25']) {
      const before = (await bed.toolEvents()).length;
      const searches = bed.sandbox.requests.length;
      const res = await post([searchCall(1), ping(2)], { 'mcp-protocol-version': version });
      expect(res.status, version).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32600,
          message: `Invalid Request: JSON-RPC batches are not supported in protocol version ${version} (batching was removed in 2025-06-18); send one message per request`,
        },
      });
      expect((await bed.toolEvents()).length, version).toBe(before);
      expect(bed.sandbox.requests.length, version).toBe(searches);
    }
  });

  it('refuses a header-less batch whose initialize offers 2025-06-18 or later', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    };
    const res = await post([initialize]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32600);
  });

  it('still serves batches for 2025-03-26, named by the header or assumed without one', async () => {
    for (const headers of [{ 'mcp-protocol-version': '2025-03-26' }, {}]) {
      const res = await post([listTools(1), ping(2)], headers);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { id: number; result?: unknown }[];
      expect(body.map((m) => m.id).sort()).toEqual([1, 2]);
      expect(body.every((m) => m.result !== undefined)).toBe(true);
    }
  });

  it(`refuses an empty batch and one over ${MAX_JSON_RPC_BATCH} messages with 400 -32600, auditing nothing`, async () => {
    const before = (await bed.toolEvents()).length;
    const empty = await post([], { 'mcp-protocol-version': '2025-03-26' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32600, message: 'Invalid Request: an empty JSON-RPC batch' },
    });
    const calls = Array.from({ length: MAX_JSON_RPC_BATCH + 1 }, (_, i) => searchCall(i + 1));
    const tooMany = await post(calls, { 'mcp-protocol-version': '2025-03-26' });
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message: `Invalid Request: a JSON-RPC batch may hold at most ${MAX_JSON_RPC_BATCH} messages`,
      },
    });
    expect((await bed.toolEvents()).length).toBe(before);
    const full = await post(calls.slice(0, MAX_JSON_RPC_BATCH), {
      'mcp-protocol-version': '2025-03-26',
    });
    expect(full.status).toBe(200);
    expect(((await full.json()) as unknown[]).length).toBe(MAX_JSON_RPC_BATCH);
  });

  it('answers valid JSON that is no JSON-RPC message with 400 -32600, keeping -32700 for invalid JSON', async () => {
    for (const body of [
      null,
      42,
      'text',
      { id: 1 },
      { jsonrpc: '1.0', id: 1, method: 'ping' },
      [ping(1), 7],
    ]) {
      const res = await post(body, { 'mcp-protocol-version': '2025-03-26' });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: {
          code: -32600,
          message:
            'Invalid Request: the body is not a JSON-RPC 2.0 request, notification or response',
        },
      });
    }
    const broken = await fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth },
      body: '{"jsonrpc": "2.0",',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: number } }).error.code).toBe(-32700);
  });

  it('keeps single messages working for every version', async () => {
    for (const version of ['2025-03-26', '2025-06-18', '2025-11-25']) {
      const res = await post(listTools(7), { 'mcp-protocol-version': version });
      expect(res.status, version).toBe(200);
    }
  });
});
