import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_USER_AGENT } from '../src/jira/transport.js';
import { SERVER_INFO } from '../src/mcp/server.js';
import { GATEWAY_VERSION } from '../src/version.js';

describe('the gateway version', () => {
  it('is package.json’s, in MCP serverInfo and in the Jira User-Agent', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(GATEWAY_VERSION).toBe(pkg.version);
    expect(SERVER_INFO.version).toBe(pkg.version);
    expect(DEFAULT_USER_AGENT).toBe(`jira-mcp-gateway/${pkg.version}`);
  });
});
