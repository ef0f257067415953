import { ALL_SCOPES, type Scope } from '../oauth/scopes.js';

/** The well-known path prefix of RFC 9728 §3. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: Scope[];
  bearer_methods_supported: ['header'];
  resource_name: string;
}

/**
 * The protected resource metadata document for `/mcp`.
 * `authorization_servers` holds the issuer byte-for-byte, because clients
 * compare it with the authorization server metadata's `issuer`.
 * `scopes_supported` lists only what this resource understands; scopes such
 * as `offline_access` belong to the authorization server, not here.
 * Only the `Authorization` header carries tokens (no query, no body).
 * @see RFC 9728 §2, §3.2; MCP 2025-11-25 authorization (Authorization Server Location)
 */
export function protectedResourceMetadata(options: {
  resource: string;
  issuer: string;
  resourceName?: string;
}): ProtectedResourceMetadata {
  return {
    resource: options.resource,
    authorization_servers: [options.issuer],
    scopes_supported: [...ALL_SCOPES],
    bearer_methods_supported: ['header'],
    resource_name: options.resourceName ?? 'Jira (via jira-mcp-gateway)',
  };
}

/** The path of `/mcp` below the public URL. */
export const MCP_PATH = '/mcp';

/**
 * Where the metadata of the `/mcp` resource lives. For a `PUBLIC_URL`
 * without a path this is exactly RFC 9728 §3.1's construction
 * (`https://gw.example/.well-known/oauth-protected-resource/mcp`). The app's
 * routes are all relative to `PUBLIC_URL` (like the OAuth endpoints), so
 * with a path prefix the document is served below that prefix; clients find
 * it through `resource_metadata` in the 401 challenge, which the MCP
 * authorization spec makes them prefer over constructing the URL.
 * @see RFC 9728 §3.1, §5.1; MCP 2025-11-25 authorization (Protected Resource Metadata Discovery Requirements)
 */
export function protectedResourceMetadataUrl(publicUrl: string): string {
  return `${publicUrl}${PROTECTED_RESOURCE_WELL_KNOWN}${MCP_PATH}`;
}
