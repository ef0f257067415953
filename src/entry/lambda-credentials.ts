/**
 * How long a Lambda container trusts the Jira credential it decrypted. A
 * container can live for hours; without a bound, a credential replaced with
 * `jira set-credentials` (a rotated Jira API token) would keep being used by
 * every warm container until AWS recycled it.
 */
import type { Clock } from '../clock.js';
import type {
  CachingCredentialsProvider,
  JiraCredentials,
  JiraCredentialsProvider,
} from '../jira/credentials.js';

/** Five minutes: one KMS Decrypt per container per five minutes of traffic. */
export const CREDENTIAL_MAX_AGE_MS = 5 * 60 * 1000;

/**
 * Wraps a caching provider so that its cached credential is dropped, and
 * read and decrypted again, once it is older than `maxAgeMs`.
 * @see RFC 7617 §2
 */
export function expiringCredentials(
  provider: CachingCredentialsProvider,
  clock: Clock,
  maxAgeMs: number = CREDENTIAL_MAX_AGE_MS,
): JiraCredentialsProvider {
  let readAt: number | undefined;
  return {
    async get(): Promise<JiraCredentials> {
      const now = clock.now();
      if (readAt !== undefined && now - readAt >= maxAgeMs) {
        provider.invalidate();
        readAt = undefined;
      }
      const credentials = await provider.get();
      readAt ??= now;
      return credentials;
    },
  };
}
