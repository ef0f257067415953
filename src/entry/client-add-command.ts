/**
 * `client add`: an administrator registers an OAuth client by hand. Such a
 * client is vouched for: errors in its authorization requests go back to its
 * redirect URI (with `iss`), where those of a self-registered client get an
 * error page (RFC 9700 §4.11.2).
 */
import { AUDIT_EVENT } from '../audit/audit-events.js';
import { OAuthError } from '../oauth/errors.js';
import { registerClient } from '../oauth/register.js';
import { UsageError } from './args.js';
import { CLI_ORIGIN, type AdminCommand } from './command-kit.js';

/**
 * Registers an OAuth client with the same metadata rules as `/register`
 * (redirect-URI policy included) but `source: 'cli'`, prints its id, and
 * its secret once when `--confidential`. Audited as `client.registered`.
 * @see RFC 7591 §2; RFC 9700 §4.11.2
 */
export const CLIENT_ADD: AdminCommand = {
  name: 'client add',
  usage: 'client add <name> --redirect-uri <uri>[,<uri>…] [--confidential]',
  summary: 'register an OAuth client by hand (an administrator vouches for it)',
  details: `Registers an OAuth client named <name> with the redirect URIs given, comma-separated,
under the same rules as dynamic registration: https, http on a loopback address
(any port), or a private-use scheme in reverse-domain form.

A client made here is vouched for: an invalid authorization request from it is
answered at its redirect URI (with iss), as RFC 6749 describes, where one from a
self-registered client gets an error page (no open redirector, RFC 9700 §4.11.2).

Options:
  --redirect-uri   required: the redirect URIs, comma-separated
  --confidential   issue a client secret (client_secret_basic); shown only now
  --scope          scopes the client may ask for (default: all)`,
  options: {
    'redirect-uri': { type: 'string' },
    confidential: { type: 'boolean' },
    scope: { type: 'string' },
  },
  arity: 1,
  async run(rt, [name], values, io) {
    const uris = values['redirect-uri'];
    if (typeof uris !== 'string' || uris.trim() === '') {
      throw new UsageError('--redirect-uri is required');
    }
    const metadata = {
      client_name: name,
      redirect_uris: uris.split(',').map((uri) => uri.trim()),
      token_endpoint_auth_method: values.confidential === true ? 'client_secret_basic' : 'none',
      ...(typeof values.scope === 'string' ? { scope: values.scope } : {}),
    };
    let registered;
    try {
      registered = await registerClient(
        metadata,
        { clients: rt.storage.clients, clock: rt.clock },
        'cli',
      );
    } catch (error) {
      if (error instanceof OAuthError) throw new UsageError(`${error.code}: ${error.message}`);
      throw error;
    }
    await rt.audit.record({
      type: AUDIT_EVENT.clientRegistered,
      outcome: 'success',
      clientId: registered.client.clientId,
      ...CLI_ORIGIN,
      detail: { kind: 'oauth', source: 'cli' },
    });
    io.stdout(`client_id=${registered.client.clientId}\n`);
    if (registered.clientSecret !== undefined) {
      io.stdout(
        `client_secret=${registered.clientSecret}\n(The secret is shown only now; it is stored hashed.)\n`,
      );
    }
    return 0;
  },
};
