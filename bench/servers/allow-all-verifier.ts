/**
 * The "no authorization" baseline of scenario 1: a token check that always
 * succeeds. It exists only in the benchmark (there is no production switch
 * that turns the check off), so the baseline is the same app with only the
 * token check replaced.
 */
import { ALL_SCOPES } from '../../src/oauth/scopes.js';
import type { TokenVerifier, VerifiedToken } from '../../src/mcp/token-verifier.js';

/**
 * Answers every bearer token with the same caller, holding every scope and
 * valid for a day past each call. The caller is a real user and client of
 * the benchmark database, so the audit records it writes match the checked
 * side's.
 * @see RFC 6750 §2.1 (what is skipped: nothing about the token is checked)
 */
export function createAllowAllVerifier(caller: {
  userId: string;
  username: string;
  clientId: string;
  resource: string;
}): TokenVerifier {
  return {
    verify(): Promise<VerifiedToken> {
      return Promise.resolve({
        userId: caller.userId,
        username: caller.username,
        clientId: caller.clientId,
        grantId: 'grt_bench_allow_all',
        scopes: [...ALL_SCOPES],
        resource: caller.resource,
        expiresAt: Date.now() + 24 * 3600_000,
      });
    },
  };
}
