/**
 * TOOLSETS on the MCP Lambda function: the CDK app passes it through the
 * `settings` context as an environment variable (infra/settings.ts), and
 * the function's `tools/list` honours it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLambdaConfig } from '../../src/entry/lambda-config.js';
import { ALL_TOOLS } from '../../src/mcp/tools/catalog.js';
import { TOOLSETS } from '../../src/config/toolsets.js';
import { createPrincipal, mintToken } from '../mcp/helpers/tokens.js';
import { httpApiEvent, resultText } from './helpers/http-api-event.js';
import { PUBLIC_URL, startLambdaBed, type LambdaBed } from './helpers/lambda-bed.js';

describe('MCP function: TOOLSETS (MCP 2025-11-25 server/tools)', () => {
  let bed: LambdaBed;

  beforeAll(async () => {
    bed = await startLambdaBed({ TOOLSETS: 'history,collaboration' });
  });
  afterAll(async () => {
    await bed.close();
  });

  it('lists exactly the tools of the configured toolsets', async () => {
    const principal = await createPrincipal(bed.storage, bed.clock, 'carol');
    const { token } = await mintToken(bed.storage, bed.clock, principal, {
      scopes: ['jira:read', 'jira:write'],
      resource: `${PUBLIC_URL}/mcp`,
    });
    const result = await bed.invoke(
      'mcp',
      httpApiEvent({
        method: 'POST',
        url: '/mcp',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-11-25',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      }),
    );
    expect(result.statusCode).toBe(200);
    const body = JSON.parse(resultText(result)) as { result: { tools: { name: string }[] } };
    const expected = ALL_TOOLS.map((t) => t.name).filter(
      (name) => TOOLSETS.history.includes(name) || TOOLSETS.collaboration.includes(name),
    );
    expect(body.result.tools.map((t) => t.name)).toEqual(expected);
  });

  it('turns form elicitation off: API Gateway buffers the response a form would travel on', () => {
    const { config } = loadLambdaConfig({ ...bed.env, CONFIRM_BY_ELICITATION: 'true' }, 'mcp');
    expect(config.confirmByElicitation).toBe(false);
    expect(config.toolsets).toEqual(['history', 'collaboration']);
  });
});
