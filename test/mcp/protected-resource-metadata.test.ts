import { describe, expect, it } from 'vitest';
import {
  protectedResourceMetadata,
  protectedResourceMetadataUrl,
} from '../../src/mcp/protected-resource-metadata.js';

describe('RFC 9728 protected resource metadata', () => {
  it('names the issuer byte-for-byte and only the scopes of this resource', () => {
    expect(
      protectedResourceMetadata({
        resource: 'https://gw.example/mcp',
        issuer: 'https://gw.example',
      }),
    ).toEqual({
      resource: 'https://gw.example/mcp',
      authorization_servers: ['https://gw.example'],
      scopes_supported: ['jira:read', 'jira:write'],
      bearer_methods_supported: ['header'],
      resource_name: 'Jira (via jira-mcp-gateway)',
    });
    expect(protectedResourceMetadataUrl('https://gw.example')).toBe(
      'https://gw.example/.well-known/oauth-protected-resource/mcp',
    );
  });
});
