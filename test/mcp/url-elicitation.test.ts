import { describe, expect, it } from 'vitest';
import type { VerifiedToken } from '../../src/mcp/token-verifier.js';
import {
  initializeDeclaresUrlElicitation,
  UrlElicitationSupport,
} from '../../src/mcp/url-elicitation.js';

function initialize(protocolVersion: string, capabilities: unknown): object {
  return {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion, capabilities, clientInfo: { name: 'c', version: '1' } },
  };
}

const token = (grantId: string | undefined): VerifiedToken => ({
  userId: 'usr_1',
  clientId: 'mcp_1',
  ...(grantId === undefined ? {} : { grantId }),
  scopes: ['jira:read'],
  resource: 'https://gateway.test/mcp',
  expiresAt: Date.now() + 60_000,
});

describe('URL-mode elicitation support (MCP 2025-11-25 client/elicitation, Capabilities)', () => {
  it('reads elicitation.url only from a 2025-11-25 initialize', () => {
    expect(
      initializeDeclaresUrlElicitation(initialize('2025-11-25', { elicitation: { url: {} } })),
    ).toBe(true);
    expect(
      initializeDeclaresUrlElicitation(
        initialize('2025-11-25', { elicitation: { form: {}, url: {} } }),
      ),
    ).toBe(true);
    // An empty elicitation capability means form mode only.
    expect(initializeDeclaresUrlElicitation(initialize('2025-11-25', { elicitation: {} }))).toBe(
      false,
    );
    expect(
      initializeDeclaresUrlElicitation(initialize('2025-11-25', { elicitation: { url: true } })),
    ).toBe(false);
    expect(
      initializeDeclaresUrlElicitation(initialize('2025-06-18', { elicitation: { url: {} } })),
    ).toBe(false);
    expect(
      initializeDeclaresUrlElicitation({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    ).toBeUndefined();
    // A batch is not a single initialize (2025-11-25 has no batches).
    expect(
      initializeDeclaresUrlElicitation([initialize('2025-11-25', { elicitation: { url: {} } })]),
    ).toBeUndefined();
  });

  it('remembers the declaration per grant, for 2025-11-25 requests only, and forgets it on a later initialize without it', () => {
    const support = new UrlElicitationSupport();
    const now = Date.now();
    const a = token('grt_a');
    const b = token('grt_b');
    support.observe(a, initialize('2025-11-25', { elicitation: { url: {} } }), now);
    expect(support.supports(a, '2025-11-25', now)).toBe(true);
    expect(support.supports(a, '2025-06-18', now)).toBe(false);
    expect(support.supports(a, null, now)).toBe(false);
    expect(support.supports(b, '2025-11-25', now)).toBe(false);
    // Other requests change nothing.
    support.observe(a, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, now);
    expect(support.supports(a, '2025-11-25', now)).toBe(true);
    support.observe(a, initialize('2025-11-25', {}), now);
    expect(support.supports(a, '2025-11-25', now)).toBe(false);
  });

  it('expires a declaration after a day, and keys tokens without a grant id by user and client', () => {
    const support = new UrlElicitationSupport();
    const now = Date.now();
    const t = token(undefined);
    support.observe(t, initialize('2025-11-25', { elicitation: { url: {} } }), now);
    expect(support.supports(token(undefined), '2025-11-25', now + 1000)).toBe(true);
    expect(support.supports(t, '2025-11-25', now + 24 * 3600 * 1000)).toBe(false);
  });
});
