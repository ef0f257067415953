/**
 * Where the gateway's Atlassian client secret comes from at each token
 * request: ATLASSIAN_CLIENT_SECRET when set (local and split deployments),
 * else the one stored with `atlassian set-client-secret` (the only way on
 * AWS, where a secret in a Lambda environment is refused), else none.
 */
import type { Clock } from '../../clock.js';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { SecretRepository } from '../../storage/ports.js';
import { AtlassianClientSecretStore } from './atlassian-client-secret-store.js';

/**
 * How long a process trusts the secret it decrypted: a busy Lambda
 * container asks KMS once per five minutes, and a secret rotated with
 * `atlassian set-client-secret` is used everywhere within five minutes.
 */
export const ATLASSIAN_CLIENT_SECRET_MAX_AGE_MS = 5 * 60 * 1000;

export interface AtlassianClientSecretSourceOptions {
  /** ATLASSIAN_CLIENT_SECRET (config.atlassian.clientSecret); wins when set. */
  configured?: string | undefined;
  secrets: SecretRepository;
  cipher: SecretCipher;
  clock: Clock;
  /** Default {@link ATLASSIAN_CLIENT_SECRET_MAX_AGE_MS}. */
  maxAgeMs?: number;
}

/**
 * The configured secret, else the stored one (decrypted at most once per
 * `maxAgeMs`, one read shared by concurrent callers, and neither an absent
 * secret nor a failed read remembered, so storing one later or a passing
 * KMS fault heals without a restart), else undefined.
 * @see RFC 6749 §2.3.1; RFC 6749 §4.1.3; RFC 6749 §6
 */
export function atlassianClientSecretSource(
  options: AtlassianClientSecretSourceOptions,
): () => Promise<string | undefined> {
  const { configured } = options;
  if (configured !== undefined && configured !== '') return () => Promise.resolve(configured);
  const store = new AtlassianClientSecretStore(options.secrets, options.cipher, options.clock);
  const maxAgeMs = options.maxAgeMs ?? ATLASSIAN_CLIENT_SECRET_MAX_AGE_MS;
  let cached: { value: Promise<string | undefined>; readAt: number } | undefined;
  return () => {
    const now = options.clock.now();
    if (cached === undefined || now - cached.readAt >= maxAgeMs) {
      const entry = { value: store.get(), readAt: now };
      cached = entry;
      entry.value.then(
        (secret) => {
          if (secret === undefined && cached === entry) cached = undefined;
        },
        () => {
          if (cached === entry) cached = undefined;
        },
      );
    }
    return cached.value;
  };
}
