import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { bannerLines } from '../../src/entry/serve.js';

function banner(env: Record<string, string>): string[] {
  return bannerLines({
    config: loadConfig({ PORT: '8080', ...env }),
    url: 'http://127.0.0.1:8080',
    data: './data/gateway.db (master key: file)',
  });
}

describe('serve start-up banner', () => {
  it('leads with the MCP URL to paste, then the loopback spellings the listener can be reached at', () => {
    expect(banner({}).slice(0, 4)).toEqual([
      'MCP endpoint:        http://localhost:8080/mcp',
      '  also answers as:   http://127.0.0.1:8080/mcp (each its own issuer)',
      'jira-mcp-gateway listening on http://127.0.0.1:8080 (role: all)',
      '  issuer (PUBLIC_URL): http://localhost:8080',
    ]);
  });

  it.each([
    ['::', 'http://127.0.0.1:8080/mcp, http://[::1]:8080/mcp'],
    ['::1', 'http://[::1]:8080/mcp'],
    ['0.0.0.0', 'http://127.0.0.1:8080/mcp'],
  ])('names only the spellings HOST=%s can be reached at', (host, aliases) => {
    expect(banner({ HOST: host })[1]).toBe(`  also answers as:   ${aliases} (each its own issuer)`);
  });

  it('names only PUBLIC_URL when it is set', () => {
    const lines = banner({ PUBLIC_URL: 'https://jira-mcp.example.com' });
    expect(lines[0]).toBe('MCP endpoint:        https://jira-mcp.example.com/mcp');
    expect(lines.join('\n')).not.toContain('also answers as');
  });

  it('prints the Jira mode and, under it, the Atlassian callback URL to register', () => {
    const lines = bannerLines({
      config: loadConfig({ PORT: '8080' }),
      url: 'http://127.0.0.1:8080',
      data: './data/gateway.db (master key: file)',
      jira: "each person's own Atlassian account (JIRA_AUTH=atlassian-oauth, OAuth 2.0 3LO app abc) on https://acme.atlassian.net",
      jiraNotes: [
        'Atlassian callback URL (register it in the developer console): https://gw.example.com/jira/oauth/callback',
      ],
    });
    const at = lines.findIndex((line) => line.startsWith('  Jira:'));
    expect(lines.slice(at, at + 2)).toStrictEqual([
      "  Jira:                each person's own Atlassian account (JIRA_AUTH=atlassian-oauth, OAuth 2.0 3LO app abc) on https://acme.atlassian.net",
      '                       Atlassian callback URL (register it in the developer console): https://gw.example.com/jira/oauth/callback',
    ]);
  });

  it('leads with the listener for the OAuth-only role, which serves no /mcp', () => {
    const lines = banner({ ROLE: 'oauth', PUBLIC_URL: 'https://as.example.com' });
    expect(lines[0]).toBe('jira-mcp-gateway listening on http://127.0.0.1:8080 (role: oauth)');
    expect(lines.join('\n')).not.toContain('MCP endpoint');
  });
});
