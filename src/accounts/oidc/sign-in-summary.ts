/**
 * How people sign in, in words for the start-up banner: the provider, the
 * redirect URI to register there, the rules, and whether the password form
 * is offered.
 */
import type { Config } from '../../config/config.js';

/**
 * Banner lines (two-space indented) for the sign-in settings.
 * @see OpenID Connect Core 1.0 §3.1.2.1 (redirect_uri must match a registered one exactly)
 */
export function signInSummary(config: Pick<Config, 'oidc' | 'localLogin'>): string[] {
  const { oidc } = config;
  if (oidc === undefined) return ['  sign-in:             local accounts (username and password)'];
  const rules = [
    oidc.allowedEmailDomains.length > 0 ? `e-mail in ${oidc.allowedEmailDomains.join(', ')}` : '',
    oidc.allowedGroups.length > 0
      ? `${oidc.groupsClaim ?? 'groups'} has one of ${oidc.allowedGroups.join(', ')}`
      : '',
  ].filter((r) => r !== '');
  return [
    `  sign-in:             ${oidc.providerName} (${oidc.issuer}), client ${oidc.clientId}${
      config.localLogin ? '; local accounts too (LOCAL_LOGIN=true)' : ''
    }`,
    `  redirect URI:        ${oidc.redirectUri}  (register it at the provider)`,
    `  who may sign in:     ${rules.length === 0 ? 'anyone the provider signs in' : rules.join('; ')}`,
  ];
}
