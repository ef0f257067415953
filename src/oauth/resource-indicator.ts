import { OAuthError } from './errors.js';

/**
 * Resolves the `resource` parameter to this server's one protected resource.
 * Absent means that resource; a trailing slash is tolerated (claude.ai and
 * Claude Code send one); anything else names a resource we do not serve.
 * @see RFC 8707 §2; MCP 2025-11-25 authorization (resource parameter)
 * @throws OAuthError invalid_target
 */
export function resolveResource(requested: string | undefined, resource: string): string {
  if (requested === undefined || requested === '') return resource;
  if (requested === resource || requested === `${resource}/`) return resource;
  throw new OAuthError('invalid_target', `resource must be ${resource}`);
}
