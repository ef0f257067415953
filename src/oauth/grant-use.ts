/**
 * "Last used" of a connected application, for the person's `/account` page.
 * Recorded where a token is accepted for `/mcp`: by the in-process verifier
 * (one process, or replicas sharing storage) and by the introspection
 * endpoint (split roles: the MCP role asks it on every cache miss).
 */
import type { GrantRecord, GrantRepository } from '../storage/ports.js';

/** At most one write per grant per this interval, whatever the request rate. */
export const GRANT_USE_INTERVAL_MS = 60_000;

/**
 * Records that `grant` was used at `now`, unless the value read with the
 * token is recent enough (then nothing is written, the common case under
 * load). The write is conditional (`GrantRepository.touch`), so concurrent
 * requests and processes write at most once per interval. A failure is
 * reported to `onError` and never thrown: recording use must not fail the
 * request it rides on.
 * @see RFC 7662 §2.2 (the authorization server learns of a token's use)
 */
export async function recordGrantUse(
  grants: Pick<GrantRepository, 'touch'>,
  grant: Pick<GrantRecord, 'id' | 'lastUsedAt'>,
  now: number,
  onError: (error: unknown) => void = () => undefined,
): Promise<void> {
  if (grant.lastUsedAt !== undefined && grant.lastUsedAt > now - GRANT_USE_INTERVAL_MS) return;
  try {
    await grants.touch(grant.id, now, GRANT_USE_INTERVAL_MS);
  } catch (error) {
    onError(error);
  }
}
