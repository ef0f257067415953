import type { Clock } from '../clock.js';
import { hashSecret } from '../crypto/hash.js';
import type { Storage } from '../storage/ports.js';
import { isAudience, type TokenVerifier, type VerifiedToken } from './token-verifier.js';

export interface InProcessTokenVerifierOptions {
  storage: Pick<Storage, 'tokens' | 'users'>;
  clock: Clock;
  /** This server's resource identifier, `config.resource`. */
  resource: string;
}

/**
 * Verifies access tokens against the shared store, for the single-process
 * shape where the authorization server and `/mcp` share storage. Only the
 * token's hash is looked up, so the token itself never reaches the store.
 *
 * Refused: unknown, expired or revoked tokens and grants (storage decides
 * that, see `TokenRepository.findActive`), refresh tokens presented as
 * bearer tokens, tokens whose token or grant resource is not this server
 * (audience binding), and tokens of a disabled or deleted user.
 * @see RFC 6750 §3.1; RFC 8707 §2; MCP 2025-11-25 authorization (Access Token Privilege Restriction)
 */
export function createInProcessTokenVerifier(
  options: InProcessTokenVerifierOptions,
): TokenVerifier {
  const { storage, clock, resource } = options;
  return {
    async verify(token: string): Promise<VerifiedToken | undefined> {
      if (token === '') return undefined;
      const active = await storage.tokens.findActive(hashSecret(token), 'access', clock.now());
      if (active === undefined) return undefined;
      const { token: record, grant } = active;
      // A token minted for another resource must never be accepted here,
      // even if the same authorization server issued it.
      if (!isAudience(record.resource, resource) || !isAudience(grant.resource, resource)) {
        return undefined;
      }
      // Disabling a user stops their tokens at once, without waiting for
      // anyone to revoke the grants.
      const user = await storage.users.getById(record.userId);
      if (user === undefined || user.disabled) return undefined;
      return {
        userId: record.userId,
        username: user.username,
        clientId: record.clientId,
        grantId: record.grantId,
        scopes: [...record.scopes],
        resource: record.resource,
        expiresAt: Math.min(record.expiresAt, grant.expiresAt),
      };
    },
  };
}
