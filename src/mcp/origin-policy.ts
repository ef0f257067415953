/**
 * Which browser origins may call `/mcp`. The Streamable HTTP transport
 * requires servers to validate `Origin` to stop DNS-rebinding attacks, where
 * a hostile page's origin resolves to this server's address.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** `scheme://host[:port]` of a URL, or undefined when it is not one. */
function originOf(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

export interface OriginPolicy {
  /** True when a request carrying `Origin: origin` may proceed. */
  allows(origin: string): boolean;
}

/**
 * Builds the policy for `/mcp`:
 * - a request without `Origin` is not a browser's and passes (the bearer
 *   token is what authenticates it);
 * - the gateway's own origin (from `PUBLIC_URL`) passes;
 * - every origin listed in `ALLOWED_ORIGINS` passes (exact origin match);
 * - when `PUBLIC_URL` itself is a loopback URL (a developer's machine), any
 *   loopback origin on any port passes, so local browser tools such as the
 *   MCP Inspector work without configuration. A DNS-rebinding attacker's page
 *   has its own, non-loopback origin, so this opens nothing to the web;
 * - everything else, including the opaque origin `null`, is refused.
 * @see MCP 2025-11-25 transports (Security Warning: validate Origin); RFC 6454 §7
 */
export function createOriginPolicy(options: {
  publicUrl: string;
  allowedOrigins: readonly string[];
}): OriginPolicy {
  const allowed = new Set<string>();
  const own = originOf(options.publicUrl);
  if (own !== undefined) allowed.add(own);
  for (const origin of options.allowedOrigins) {
    const normalised = originOf(origin);
    if (normalised !== undefined) allowed.add(normalised);
  }
  const loopbackDeployment = isLoopbackHost(new URL(options.publicUrl).hostname);
  return {
    allows(origin: string): boolean {
      const normalised = originOf(origin);
      if (normalised === undefined) return false;
      if (allowed.has(normalised)) return true;
      return loopbackDeployment && isLoopbackHost(new URL(normalised).hostname);
    },
  };
}
