/**
 * Just-in-time accounts for people from the OpenID provider: the first
 * sign-in creates the account, keyed by (issuer, `sub`); later sign-ins
 * find it. The username is for administrators (`user list`, `user disable`)
 * and is derived from the verified e-mail address, else the provider's
 * `preferred_username`, else the subject.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { randomId } from '../../crypto/random.js';
import { ConflictError, type UserRecord, type UserRepository } from '../../storage/ports.js';
import type { IdTokenClaims } from './relying-party.js';
import { OIDC_FAILURE, OidcSignInError } from './sign-in-error.js';
import { verifiedEmail } from './access-policy.js';

/** Printable, no spaces or controls; `@` and `+` allowed (an e-mail address fits). */
const EXTERNAL_USERNAME = /^[a-z0-9][a-z0-9._@+-]{0,119}$/;
const MAX_ATTEMPTS = 20;

function claimString(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 256) : undefined;
}

/**
 * A name no other identity can be given by accident: `oidc-` and 24 hex
 * digits of SHA-256 over issuer and subject.
 * @see OpenID Connect Core 1.0 §5.7 (only `iss` and `sub` identify a person)
 */
export function subjectUsername(claims: IdTokenClaims): string {
  const digest = createHash('sha256').update(`${claims.iss}\0${claims.sub}`).digest('hex');
  return `oidc-${digest.slice(0, 24)}`;
}

/**
 * The username to try first: the verified e-mail (lowercase), else
 * `preferred_username`, else `oidc-<sub>`, each kept only when it fits
 * {@link EXTERNAL_USERNAME}. An unverified e-mail is never used: it would
 * let anyone at the provider take a name that looks like a colleague's.
 * Local usernames never contain `@`, so an e-mail never collides with a
 * local account.
 * @see OpenID Connect Core 1.0 §5.1 (email_verified), §5.7 (e-mail and preferred_username are not stable keys; only for display)
 */
export function baseUsername(claims: IdTokenClaims): string {
  const candidates = [
    verifiedEmail(claims),
    claimString(claims, 'preferred_username')?.toLowerCase(),
    `oidc-${claims.sub.toLowerCase()}`,
  ];
  for (const candidate of candidates) {
    if (candidate !== undefined && EXTERNAL_USERNAME.test(candidate)) return candidate;
  }
  return subjectUsername(claims);
}

/** The name of the n-th try: the base, `base-2`, … then the subject's, then a random one. */
function candidateUsername(base: string, claims: IdTokenClaims, attempt: number): string {
  if (attempt === 1) return base;
  if (attempt <= MAX_ATTEMPTS) return `${base}-${String(attempt)}`;
  if (attempt === MAX_ATTEMPTS + 1) return subjectUsername(claims);
  return `oidc-${randomId('u').slice(2, 18).toLowerCase()}`;
}

export interface ProvisionResult {
  user: UserRecord;
  created: boolean;
}

/**
 * The account of (issuer, `sub`), created on the first sign-in with the
 * verified e-mail and name of the claims. A taken username gets `-2`,
 * `-3`, …, then the subject-derived {@link subjectUsername}, then a random
 * one, so a run of taken names is never a fault; two first sign-ins of one person at once make one account (the loser of the
 * identity race reads the winner's). Throws {@link OidcSignInError}
 * `account_disabled` for a disabled account.
 * @see OpenID Connect Core 1.0 §5.7 (only `iss` and `sub` identify a person)
 */
export async function provisionUser(
  users: UserRepository,
  clock: Clock,
  claims: IdTokenClaims,
): Promise<ProvisionResult> {
  const identity = { issuer: claims.iss, subject: claims.sub };
  let user = await users.getByIdentity(identity);
  let created = false;
  if (user === undefined) {
    const base = baseUsername(claims);
    const email = verifiedEmail(claims);
    const name = claimString(claims, 'name');
    // Past MAX_ATTEMPTS (a run of taken names, perhaps planted through
    // preferred_username) the subject's own name, then a random one: never a 500.
    for (let attempt = 1; user === undefined && attempt <= MAX_ATTEMPTS + 3; attempt++) {
      const record: UserRecord = {
        id: randomId('usr'),
        username: candidateUsername(base, claims, attempt),
        // No password can match an empty hash; these people sign in at the provider.
        passwordHash: '',
        disabled: false,
        createdAt: clock.now(),
        identity,
        ...(email === undefined ? {} : { email }),
        ...(name === undefined ? {} : { name }),
      };
      try {
        await users.create(record);
        user = record;
        created = true;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        // Either the username is taken (try the next) or this person was just created.
        user = await users.getByIdentity(identity);
      }
    }
    if (user === undefined) throw new Error('could not find a free username for a new account');
  }
  if (user.disabled) {
    throw new OidcSignInError(OIDC_FAILURE.disabled, `user ${user.id} is disabled`);
  }
  return { user, created };
}
