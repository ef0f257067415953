/**
 * Who among the provider's people may use the gateway: the e-mail domain
 * rule and the group rule, checked against the claims of every sign-in
 * (not only the first), so leaving a group at the provider takes effect at
 * the next sign-in.
 */
import { OIDC_FAILURE, OidcSignInError } from './sign-in-error.js';

export interface AccessRules {
  /** Lowercase domains; empty allows any (and no e-mail is needed). */
  allowedEmailDomains: readonly string[];
  groupsClaim?: string | undefined;
  /** Empty allows any. */
  allowedGroups: readonly string[];
}

function isTrue(value: unknown): boolean {
  // Some providers (Cognito) write booleans of the ID token as strings.
  return value === true || value === 'true';
}

/**
 * The e-mail of the claims, lowercased, only when the provider vouches for
 * it with `email_verified: true`, or, without that claim, with Entra ID's
 * optional claim `xms_edov: true` (the domain owner verified the address).
 * A missing claim proves nothing: a provider that lets people type any
 * address (Entra ID by default) sends none.
 * @see OpenID Connect Core 1.0 §5.1 (email, email_verified)
 */
export function verifiedEmail(claims: Readonly<Record<string, unknown>>): string | undefined {
  const email = claims.email;
  if (typeof email !== 'string' || email === '') return undefined;
  const vouched =
    claims.email_verified === undefined ? isTrue(claims.xms_edov) : isTrue(claims.email_verified);
  return vouched ? email.toLowerCase() : undefined;
}

/**
 * The groups listed in `claim`: an array of strings, or one string (some providers send one).
 * @see OpenID Connect Core 1.0 §5.1.2 (additional claims)
 */
export function groupsOf(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/**
 * Throws {@link OidcSignInError} (`email_domain_not_allowed` or
 * `group_not_allowed`) unless the claims pass every configured rule. The
 * domain is compared whole (`acme.com` does not admit `evil-acme.com` or
 * `sub.acme.com`); groups are compared exactly, case-sensitively, as
 * providers issue ids (Entra ID object ids, Okta names) verbatim.
 * @see OpenID Connect Core 1.0 §5.1 (email, email_verified)
 */
export function checkAccess(claims: Readonly<Record<string, unknown>>, rules: AccessRules): void {
  if (rules.allowedEmailDomains.length > 0) {
    const email = verifiedEmail(claims);
    const domain = email?.slice(email.lastIndexOf('@') + 1);
    if (
      domain === undefined ||
      !email?.includes('@') ||
      !rules.allowedEmailDomains.includes(domain)
    ) {
      throw new OidcSignInError(
        OIDC_FAILURE.emailDomain,
        email === undefined
          ? 'no verified e-mail in the ID token'
          : `e-mail domain ${domain ?? ''} is not allowed`,
      );
    }
  }
  if (rules.allowedGroups.length > 0 && rules.groupsClaim !== undefined) {
    const groups = groupsOf(claims, rules.groupsClaim);
    if (!groups.some((g) => rules.allowedGroups.includes(g))) {
      throw new OidcSignInError(
        OIDC_FAILURE.group,
        `none of ${String(groups.length)} group(s) in claim ${rules.groupsClaim} is allowed`,
      );
    }
  }
}
