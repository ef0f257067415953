/**
 * Destructive-call confirmation end to end through the stateless /mcp
 * endpoint with real SDK clients: a client that declared form elicitation
 * is asked in a form (sent on the SSE stream of its tools/call POST, its
 * answer POSTed back and routed to the waiting call); a client that did not
 * must send `confirm: true`. The destructive tool is jira_delete_link.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ElicitRequestSchema,
  type ElicitRequest,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText, startMcpTestBed, type McpTestBed } from '../mcp/helpers/test-bed.js';

type Answer = (request: ElicitRequest) => ElicitResult;

describe('destructive-call confirmation over /mcp (MCP 2025-11-25 client/elicitation, form mode)', () => {
  let bed: McpTestBed;
  let token: string;
  const clients: Client[] = [];

  /** An SDK 1.x client; with `answer`, it declares form elicitation and answers with it. */
  async function connect(answer?: Answer): Promise<Client> {
    const client = new Client(
      { name: 'confirming-client', version: '1.0.0' },
      answer === undefined ? {} : { capabilities: { elicitation: { form: {} } } },
    );
    if (answer !== undefined) {
      client.setRequestHandler(ElicitRequestSchema, (request) => answer(request));
    }
    const transport = new StreamableHTTPClientTransport(bed.mcpUrl, {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function link(client: Client): Promise<void> {
    const made = await client.callTool({
      name: 'jira_link_issues',
      arguments: { issueKey: 'DEMO-2', linkType: 'blocks', targetIssueKey: 'DEMO-3' },
    });
    expect(made.isError).not.toBe(true);
  }

  const deleteLink = (client: Client, extra: Record<string, unknown> = {}) =>
    client.callTool({
      name: 'jira_delete_link',
      arguments: { issueKey: 'DEMO-2', targetIssueKey: 'DEMO-3', linkType: 'blocks', ...extra },
    });

  const deletes = (): number =>
    bed.sandbox.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/issueLink/'))
      .length;

  beforeAll(async () => {
    bed = await startMcpTestBed({ env: { TOOLSETS: 'all' } });
    token = (await bed.mint(['jira:read', 'jira:write'])).token;
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await bed.close();
  });

  it('asks the person in a form and deletes only after they accept', async () => {
    const asked: ElicitRequest[] = [];
    const client = await connect((request) => {
      asked.push(request);
      return { action: 'accept', content: { confirm: true } };
    });
    await link(client);
    const before = deletes();
    const result = await deleteLink(client);
    expect(result.isError).not.toBe(true);
    expect(resultText(result)).toMatch(/^Deleted the link DEMO-2 blocks DEMO-3/);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.params).toMatchObject({
      mode: 'form',
      message: expect.stringMatching(
        /^Delete the link DEMO-2 blocks DEMO-3 \(link \d+\)\. This cannot be undone\. Go ahead\?$/,
      ) as string,
      requestedSchema: {
        type: 'object',
        properties: { confirm: { type: 'boolean', default: false } },
        required: ['confirm'],
      },
    });
    expect(deletes()).toBe(before + 1);
  });

  it('does not delete when the person declines, cancels or leaves the box unticked, even with confirm: true', async () => {
    for (const answer of [
      { action: 'decline' },
      { action: 'cancel' },
      { action: 'accept', content: { confirm: false } },
    ] as const) {
      const client = await connect(() => answer);
      await link(client);
      const before = deletes();
      const result = await deleteLink(client, { confirm: true });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toMatch(
        /^The person declined: Delete the link DEMO-2 blocks DEMO-3 \(link \d+\)\. Nothing was changed\./,
      );
      expect(deletes()).toBe(before);
      // Leave the sandbox as it was for the next answer.
      const cleanup = await connect(() => ({ action: 'accept', content: { confirm: true } }));
      expect((await deleteLink(cleanup)).isError).not.toBe(true);
    }
    const events = await bed.toolEvents();
    expect(
      events.filter((e) => e.detail?.error === 'confirmation_declined').map((e) => e.detail?.tool),
    ).toEqual(['jira_delete_link', 'jira_delete_link', 'jira_delete_link']);
  });

  it('without elicitation, refuses until the call says confirm: true', async () => {
    const client = await connect();
    await link(client);
    const before = deletes();
    const refused = await deleteLink(client);
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(
      /^This action needs the person's confirmation: Delete the link DEMO-2 blocks DEMO-3 \(link \d+\)\. Nothing was changed\. Ask the person whether to go ahead; if they agree, call this tool again with the same arguments and "confirm": true\.$/,
    );
    expect(deletes()).toBe(before);
    const done = await deleteLink(client, { confirm: true });
    expect(done.isError).not.toBe(true);
    expect(deletes()).toBe(before + 1);
  });

  it('speaks 2025-06-18 form elicitation (no mode) on the wire, and takes the answer only from the same grant', async () => {
    const post = (bearer: string, body: unknown): Promise<Response> =>
      fetch(bed.mcpUrl, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify(body),
      });
    // Before the initialize: another initialize of this grant without the capability resets it.
    await link(await connect());
    const init = await post(token, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: { elicitation: {} },
        clientInfo: { name: 'wire-client', version: '1.0.0' },
      },
    });
    expect(init.status).toBe(200);
    await init.text();
    const before = deletes();
    const call = await post(token, {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name: 'jira_delete_link',
        arguments: { issueKey: 'DEMO-2', targetIssueKey: 'DEMO-3', linkType: 'blocks' },
      },
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('content-type')).toBe('text/event-stream');
    const events = sseMessages(call);
    const asked = (await events.next()).value as { id: string; method: string; params: object };
    expect(asked.method).toBe('elicitation/create');
    expect(asked.id).toMatch(/^jmg-elicit-[0-9a-f-]{36}$/);
    expect(asked.params).not.toHaveProperty('mode');

    // Another grant's client cannot answer for this person.
    const other = await bed.mint(['jira:read', 'jira:write']);
    const stolen = await post(other.token, {
      jsonrpc: '2.0',
      id: asked.id,
      result: { action: 'accept', content: { confirm: true } },
    });
    expect(stolen.status).toBe(202);
    expect(deletes()).toBe(before);

    const answered = await post(token, {
      jsonrpc: '2.0',
      id: asked.id,
      result: { action: 'decline' },
    });
    expect(answered.status).toBe(202);
    expect(await answered.text()).toBe('');
    const result = (await events.next()).value as { id: number; result: { isError: boolean } };
    expect(result).toMatchObject({ id: 7, result: { isError: true } });
    expect(deletes()).toBe(before);
    const cleanup = await connect(() => ({ action: 'accept', content: { confirm: true } }));
    expect((await deleteLink(cleanup)).isError).not.toBe(true);
  });

  it('with CONFIRM_BY_ELICITATION=false, asks no form and needs confirm: true', async () => {
    const off = await startMcpTestBed({
      env: { TOOLSETS: 'all', CONFIRM_BY_ELICITATION: 'false' },
    });
    const client = new Client(
      { name: 'confirming-client', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    let asked = 0;
    client.setRequestHandler(ElicitRequestSchema, () => {
      asked += 1;
      return { action: 'accept', content: { confirm: true } };
    });
    try {
      const offToken = (await off.mint(['jira:read', 'jira:write'])).token;
      await client.connect(
        new StreamableHTTPClientTransport(off.mcpUrl, {
          requestInit: { headers: { Authorization: `Bearer ${offToken}` } },
        }),
      );
      await link(client);
      const refused = await deleteLink(client);
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toMatch(/^This action needs the person's confirmation/);
      expect((await deleteLink(client, { confirm: true })).isError).not.toBe(true);
      expect(asked).toBe(0);
    } finally {
      await client.close();
      await off.close();
    }
  });

  it('works with the v2 client package (@modelcontextprotocol/client)', async () => {
    const client = new ClientV2(
      { name: 'confirming-client-v2', version: '2.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', (request) => {
      asked.push(request.params.message);
      return Promise.resolve({ action: 'accept', content: { confirm: true } });
    });
    await client.connect(
      new TransportV2(bed.mcpUrl, {
        requestInit: { headers: { Authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const made = await client.callTool({
        name: 'jira_link_issues',
        arguments: { issueKey: 'DEMO-2', linkType: 'blocks', targetIssueKey: 'DEMO-3' },
      });
      expect(made.isError).not.toBe(true);
      const before = deletes();
      const result = await client.callTool({
        name: 'jira_delete_link',
        arguments: { issueKey: 'DEMO-2', targetIssueKey: 'DEMO-3', linkType: 'blocks' },
      });
      expect(result.isError).not.toBe(true);
      expect(asked).toEqual([expect.stringMatching(/^Delete the link DEMO-2 blocks DEMO-3/)]);
      expect(deletes()).toBe(before + 1);
    } finally {
      await client.close();
    }
  });
});

/** The JSON-RPC messages of an SSE response, in order. */
async function* sseMessages(response: Response): AsyncGenerator<unknown, void> {
  if (response.body === null) return;
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) return;
    buffered += decoder.decode(chunk.value, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('');
      if (data !== '') yield JSON.parse(data) as unknown;
      end = buffered.indexOf('\n\n');
    }
  }
}
