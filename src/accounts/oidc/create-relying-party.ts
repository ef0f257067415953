/**
 * The relying party for the OIDC_* settings, with the client secret from
 * OIDC_CLIENT_SECRET, else from `readStoredSecret` (the one stored
 * encrypted with `oidc set-client-secret`), else none (a public client).
 */
import type { OidcSettings } from '../../config/config.js';
import { OidcRelyingParty, type RelyingPartyOptions } from './relying-party.js';

/**
 * @see OpenID Connect Core 1.0 §9 (client authentication); RFC 7636 (public clients)
 */
export function createRelyingParty(
  settings: OidcSettings,
  readStoredSecret?: () => Promise<string | undefined>,
  options: RelyingPartyOptions = {},
): OidcRelyingParty {
  return new OidcRelyingParty(
    {
      issuer: settings.issuer,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret ?? readStoredSecret,
      scopes: settings.scopes,
      redirectUri: settings.redirectUri,
    },
    options,
  );
}

/** What {@link discoverInBackground} logs to. */
export interface DiscoveryLog {
  info(msg: string, fields: Record<string, string>): void;
  warn(msg: string, fields: Record<string, string>): void;
}

/**
 * Discovers the provider now rather than at the first sign-in, so a wrong
 * OIDC_ISSUER or a provider that is down shows in the log at start-up. The
 * gateway runs either way; the sign-in page says why it cannot continue.
 * @see OpenID Connect Discovery 1.0 §4
 */
export function discoverInBackground(relyingParty: OidcRelyingParty, log: DiscoveryLog): void {
  const issuer = relyingParty.settings.issuer;
  relyingParty.configuration().then(
    () => {
      log.info('oidc provider discovered', { issuer });
    },
    (error: unknown) => {
      log.warn('oidc provider unreachable; sign-in through it fails until it answers', {
        issuer,
        reason: error instanceof Error ? error.message : String(error),
      });
    },
  );
}
