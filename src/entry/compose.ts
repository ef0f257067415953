import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { LoginThrottle } from '../accounts/login-throttle.js';
import { UserService } from '../accounts/users.js';
import { createApp } from '../http/app.js';
import type { Logger } from '../http/logger.js';
import type { GatewayApp, PeerAddress } from '../http/types.js';
import { createClientDirectory } from '../oauth/client-directory.js';
import { createClientMetadataDocumentResolver } from '../oauth/client-metadata-document.js';
import type { OAuthContext } from '../oauth/context.js';
import type { Storage } from '../storage/ports.js';

export interface ComposeOptions {
  config: Config;
  storage: Storage;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  peerAddress: PeerAddress;
  /** Mounts /mcp and its metadata; absent for the OAuth-only role. */
  mountMcp?: (app: GatewayApp) => void;
  /** Extra CA for fetching client metadata documents (tests). */
  metadataDocumentCa?: string;
}

/** The authorization server's context, from configuration and storage. */
export function createOAuthContext(options: ComposeOptions): OAuthContext {
  const { config, storage, clock, audit } = options;
  const documents = createClientMetadataDocumentResolver({
    clock,
    allowPrivateAddresses: config.cimdAllowPrivateAddresses,
    ...(options.metadataDocumentCa === undefined ? {} : { ca: options.metadataDocumentCa }),
  });
  return {
    issuer: config.publicUrl,
    resource: config.resource,
    storage,
    clients: createClientDirectory(storage.clients, documents),
    clock,
    audit,
    lifetimes: {
      accessTokenSeconds: config.accessTokenTtlSeconds,
      refreshTokenSeconds: config.refreshTokenTtlSeconds,
      grantSeconds: config.grantTtlSeconds,
      codeSeconds: config.codeTtlSeconds,
    },
  };
}

/**
 * Builds the gateway app for a role from its parts. The same function
 * serves the Node process, the Lambda handlers and the tests.
 */
export function composeGateway(options: ComposeOptions): GatewayApp {
  const { config, storage, clock } = options;
  const servesOAuth = config.role === 'all' || config.role === 'oauth';
  const servesMcp = config.role === 'all' || config.role === 'mcp';
  const users = new UserService(storage.users, clock);
  return createApp({
    publicUrl: config.publicUrl,
    resource: config.resource,
    logger: options.logger,
    peerAddress: options.peerAddress,
    trustProxy: config.trustProxy,
    ...(servesOAuth
      ? {
          oauth: {
            ctx: createOAuthContext(options),
            accounts: users,
            throttle: new LoginThrottle(storage.counters, clock, {
              maxFailures: config.loginMaxFailures,
            }),
            registrationRateLimitPerHour: config.registrationRateLimitPerHour,
            sessionSeconds: config.sessionTtlSeconds,
          },
        }
      : {}),
    ...(servesMcp && options.mountMcp !== undefined ? { mountMcp: options.mountMcp } : {}),
  });
}
