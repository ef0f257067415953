/**
 * The zero-configuration gateway under every loopback spelling.
 *
 * With PUBLIC_URL unset the issuer is `http://localhost:PORT`, yet the
 * process listens on 127.0.0.1 and people paste `http://127.0.0.1:PORT/mcp`
 * too. MCP clients compare the protected resource's `resource` with the URL
 * they were given (origin and path; the SDK's `checkResourceAllowed`), so a
 * redirect to the other spelling cannot help: the metadata would still name
 * a resource the client did not ask for. Instead each exact loopback
 * spelling is its own issuer with its own resource, each answered by its own
 * app over the shared storage. Audience binding stays exact: a token issued
 * for `http://localhost:PORT/mcp` is refused at `http://127.0.0.1:PORT/mcp`.
 * Any other Host (a proxy's, a rebinding attacker's) gets the configured
 * issuer, as before; only the three exact loopback authorities select one.
 */
import type { Config } from '../config/config.js';

/** One issuer this process answers as, and the Host (authority) that selects it. */
export interface IssuerConfig {
  /** `localhost:8080`, `127.0.0.1:8080` or `[::1]:8080`; as a Host header says it. */
  host: string;
  config: Config;
}

/**
 * The authority of an issuer as a Host header carries it (default ports elided, like URL).
 * @see RFC 9110 §7.2
 */
export function hostOf(publicUrl: string): string {
  return new URL(publicUrl).host;
}

/**
 * The configurations this process answers as: the configured issuer first,
 * then one per loopback alias (only when PUBLIC_URL is unset and ROLE=all).
 * Each alias copy differs only in `publicUrl` (= `mcpPublicUrl`) and `resource`.
 * @see RFC 8414 §2 (issuer); RFC 9728 §3.3 (resource must match the URL used); RFC 8707 §2
 */
export function issuerConfigs(config: Config): IssuerConfig[] {
  const { loopbackAliases, ...base } = config;
  const configs: IssuerConfig[] = [{ host: hostOf(config.publicUrl), config }];
  for (const publicUrl of loopbackAliases ?? []) {
    configs.push({
      host: hostOf(publicUrl),
      config: Object.freeze({
        ...base,
        publicUrl,
        mcpPublicUrl: publicUrl,
        resource: `${publicUrl}/mcp`,
      }),
    });
  }
  return configs;
}

/**
 * Picks the app for a request by its exact Host header; anything else
 * (absent, another name, another port, other letter case) gets the first,
 * the configured issuer.
 * @see RFC 9110 §7.2 (Host); RFC 9728 §3.3
 */
export function selectByHost<T>(
  entries: readonly { host: string; value: T }[],
  hostHeader: string | null,
): T {
  const first = entries[0];
  if (first === undefined) throw new Error('selectByHost needs at least one entry');
  if (hostHeader === null) return first.value;
  return entries.find((entry) => entry.host === hostHeader)?.value ?? first.value;
}
