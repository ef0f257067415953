import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpTestBed, type McpTestBed } from './helpers/test-bed.js';

const JSON_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

const GOOD_PARAMS = {
  protocolVersion: '2025-11-25',
  capabilities: {},
  clientInfo: { name: 'test', version: '1.0.0' },
};

describe('/mcp initialize params (MCP 2025-11-25 basic/lifecycle; JSON-RPC 2.0 §5.1)', () => {
  let bed: McpTestBed;
  let auth: Record<string, string>;

  beforeAll(async () => {
    bed = await startMcpTestBed();
    auth = { authorization: `Bearer ${(await bed.mint(['jira:read'])).token}` };
  });
  afterAll(async () => {
    await bed.close();
  });

  function post(body: unknown): Promise<Response> {
    return fetch(bed.mcpUrl, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...auth },
      body: JSON.stringify(body),
    });
  }

  it('answers an initialize without valid params with 400 -32602 and its id, never -32603 or a schema dump', async () => {
    const cases: unknown[] = [
      undefined,
      {},
      { ...GOOD_PARAMS, capabilities: 1 },
      { ...GOOD_PARAMS, protocolVersion: 7 },
      { ...GOOD_PARAMS, clientInfo: { name: 'x' } },
    ];
    for (const [i, params] of cases.entries()) {
      const message = { jsonrpc: '2.0', id: i + 1, method: 'initialize', params };
      const res = await post(message);
      expect(res.status, JSON.stringify(params)).toBe(400);
      const body = (await res.json()) as { id: unknown; error: { code: number; message: string } };
      expect(body.id).toBe(i + 1);
      expect(body.error.code).toBe(-32602);
      expect(body.error.message).toMatch(/^Invalid params: initialize needs params/);
      expect(body.error.message).not.toMatch(/invalid_type|expected|zod/i);
    }
  });

  it('still initializes with valid params', async () => {
    const res = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: GOOD_PARAMS });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { protocolVersion: string } };
    expect(body.result.protocolVersion).toBe('2025-11-25');
  });
});
