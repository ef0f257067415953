import type { Clock } from '../clock.js';
import { hashSecret } from '../crypto/hash.js';
import { recordGrantUse } from '../oauth/grant-use.js';
import type { Storage } from '../storage/ports.js';
import { isAudience, type TokenVerifier, type VerifiedToken } from './token-verifier.js';

export interface InProcessTokenVerifierOptions {
  storage: Pick<Storage, 'tokens' | 'users' | 'grants'>;
  clock: Clock;
  /** This server's resource identifier, `config.resource`. */
  resource: string;
  /**
   * PERSONAL_ACCESS_TOKENS: whether tokens of personal access token grants
   * are accepted. Absent or false refuses them, so turning the setting off
   * stops every existing one at once.
   */
  acceptPersonalAccessTokens?: boolean;
  /** Told when recording a grant's last use failed (the token is still accepted). */
  onGrantUseError?: (error: unknown) => void;
}

/**
 * Verifies access tokens against the shared store, for the single-process
 * shape where the authorization server and `/mcp` share storage. Only the
 * token's hash is looked up, so the token itself never reaches the store.
 *
 * Refused: unknown, expired or revoked tokens and grants (storage decides
 * that, see `TokenRepository.findActive`), refresh tokens presented as
 * bearer tokens, tokens whose token or grant resource is not this server
 * (audience binding), tokens of a disabled or deleted user, and personal
 * access tokens unless `acceptPersonalAccessTokens`. An accepted token
 * records its grant's last use (see `recordGrantUse`).
 * @see RFC 6750 §3.1; RFC 8707 §2; MCP 2025-11-25 authorization (Access Token Privilege Restriction)
 */
export function createInProcessTokenVerifier(
  options: InProcessTokenVerifierOptions,
): TokenVerifier {
  const { storage, clock, resource, onGrantUseError } = options;
  const acceptPersonal = options.acceptPersonalAccessTokens === true;
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
      if (grant.kind === 'personal' && !acceptPersonal) return undefined;
      // Disabling a user stops their tokens at once, without waiting for
      // anyone to revoke the grants.
      const user = await storage.users.getById(record.userId);
      if (user === undefined || user.disabled) return undefined;
      // For "last used" on /account: at most one write per grant per minute, never a refusal.
      await recordGrantUse(storage.grants, grant, clock.now(), onGrantUseError);
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
