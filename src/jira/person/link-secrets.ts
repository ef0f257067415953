/**
 * The secret part of a person's Jira link, sealed with envelope encryption
 * (local master key, or AWS KMS) under a context that binds it to the
 * person and the kind of link: a blob copied to another person's record, or
 * read as another kind, fails to decrypt instead of being used.
 */
import { z } from 'zod';
import type { SecretCipher } from '../../crypto/secret-cipher.js';
import type { JiraLinkKind } from '../../storage/ports.js';

/** What a link keeps secret, per kind. */
export type LinkSecret =
  | {
      kind: 'atlassian-oauth';
      accessToken: string;
      refreshToken: string;
      /** When the access token expires (ms). */
      accessExpiresAt: number;
    }
  | { kind: 'personal-token'; email: string; apiToken: string };

const SECRET_SCHEMA = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('atlassian-oauth'),
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
    accessExpiresAt: z.number().int(),
  }),
  z.object({
    kind: z.literal('personal-token'),
    email: z.string().min(1),
    apiToken: z.string().min(1),
  }),
]);

/**
 * The encryption context of one person's link: authenticated with the
 * ciphertext (and, with KMS, written to CloudTrail), never secret.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 */
export function linkSecretContext(
  userId: string,
  kind: JiraLinkKind,
): Readonly<Record<string, string>> {
  return { purpose: 'jira-link', userId, kind };
}

/**
 * Encrypts a person's link secret under {@link linkSecretContext}.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 */
export async function sealLinkSecret(
  cipher: SecretCipher,
  userId: string,
  secret: LinkSecret,
): Promise<Uint8Array> {
  return cipher.encrypt(
    new TextEncoder().encode(JSON.stringify(secret)),
    linkSecretContext(userId, secret.kind),
  );
}

/**
 * Decrypts and validates a person's link secret of `kind`. A blob that does
 * not open (another person's, another kind, another key) or does not parse
 * throws a plain Error that never holds the plaintext.
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html
 */
export async function openLinkSecret<K extends JiraLinkKind>(
  cipher: SecretCipher,
  userId: string,
  kind: K,
  ciphertext: Uint8Array,
): Promise<Extract<LinkSecret, { kind: K }>> {
  const plaintext = await cipher.decrypt(ciphertext, linkSecretContext(userId, kind));
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(plaintext));
  } catch {
    throw new Error('A stored Jira link is corrupt (not JSON).');
  } finally {
    plaintext.fill(0);
  }
  const parsed = SECRET_SCHEMA.safeParse(json);
  if (!parsed.success || parsed.data.kind !== kind) {
    throw new Error('A stored Jira link is corrupt (bad shape).');
  }
  return parsed.data as Extract<LinkSecret, { kind: K }>;
}
