import type { AuditLog } from '../audit/audit-log.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { LoginThrottle } from '../accounts/login-throttle.js';
import { UserService } from '../accounts/users.js';
import { createRelyingParty } from '../accounts/oidc/create-relying-party.js';
import type { OidcRelyingParty } from '../accounts/oidc/relying-party.js';
import type { AccountSection } from '../http/account-sections.js';
import { createApp } from '../http/app.js';
import type { Logger } from '../http/logger.js';
import type { GatewayApp, PeerAddress } from '../http/types.js';
import { createClientDirectory, type ClientDirectory } from '../oauth/client-directory.js';
import { createClientMetadataDocumentResolver } from '../oauth/client-metadata-document.js';
import type { OAuthContext } from '../oauth/context.js';
import type { PersonalJira } from '../jira/person/personal-jira.js';
import type { Storage } from '../storage/ports.js';
import type { OpsRoutesOptions } from '../http/ops-routes.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import { createReadiness, type ReadinessCheck } from '../ops/readiness.js';

export interface ComposeOptions {
  config: Config;
  storage: Storage;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  peerAddress: PeerAddress;
  /** Mounts /mcp and its metadata; absent for the OAuth-only role. */
  mountMcp?: (app: GatewayApp) => void;
  /**
   * Whose Jira account acts (JIRA_AUTH): /authorize links a person's own
   * before consent and names it; the /jira/* link pages. Absent: no Jira line.
   */
  personalJira?: PersonalJira;
  /** The Jira site people link to, shown on the API-token form. */
  jiraSiteUrl?: string;
  /** Extra CA for fetching client metadata documents (tests). */
  metadataDocumentCa?: string;
  /** Sections of `/account` after "Connected applications" (personal access tokens, Jira account). */
  accountSections?: readonly AccountSection[];
  /**
   * The relying party of OIDC_ISSUER, shared by the apps of one process (one
   * discovery); default: a new one with OIDC_CLIENT_SECRET or none.
   */
  oidcRelyingParty?: OidcRelyingParty;
  /**
   * A client directory shared by the apps of one process (`serve` answers
   * as one issuer per loopback spelling), so one metadata-document cache and
   * its single-flight fetches serve them all; default: a new one.
   */
  clients?: ClientDirectory;
  /**
   * `/readyz` and `/metrics` (see ops-routes.ts); default: readiness is the
   * storage's ping, and there is no `/metrics`. `serve` passes one shared by
   * its apps (one readiness cache, one registry).
   */
  ops?: OpsRoutesOptions;
  /** Counts requests, token answers; default: nothing is counted. */
  metrics?: GatewayMetrics;
}

/**
 * The client directory of a gateway: registered clients from storage, and
 * Client ID Metadata Documents fetched with the configured SSRF policy.
 * @see MCP 2025-11-25 authorization (client registration approaches)
 */
export function createGatewayClientDirectory(
  options: Pick<ComposeOptions, 'config' | 'storage' | 'clock' | 'metadataDocumentCa'>,
): ClientDirectory {
  const documents = createClientMetadataDocumentResolver({
    clock: options.clock,
    counters: options.storage.counters,
    enabled: options.config.clientMetadataDocuments,
    fetchesPerIpPerHour: options.config.cimdFetchRateLimitPerHour,
    allowPrivateAddresses: options.config.cimdAllowPrivateAddresses,
    ...(options.metadataDocumentCa === undefined ? {} : { ca: options.metadataDocumentCa }),
  });
  return createClientDirectory(options.storage.clients, documents);
}

/** The authorization server's context, from configuration and storage. */
export function createOAuthContext(options: ComposeOptions): OAuthContext {
  const { config, storage, clock, audit } = options;
  return {
    issuer: config.publicUrl,
    resource: config.resource,
    storage,
    clients: options.clients ?? createGatewayClientDirectory(options),
    clock,
    audit,
    lifetimes: {
      accessTokenSeconds: config.accessTokenTtlSeconds,
      refreshTokenSeconds: config.refreshTokenTtlSeconds,
      grantSeconds: config.grantTtlSeconds,
      codeSeconds: config.codeTtlSeconds,
      refreshReuseIntervalSeconds: config.refreshReuseIntervalSeconds,
    },
    personalAccessTokens: config.personalAccessTokens,
    onGrantUseError: (error) => {
      options.logger.warn('recording a grant use failed', {
        error: error instanceof Error ? error.name : 'unknown',
      });
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
    trustProxyHops: config.trustProxyHops,
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
            localLogin: config.localLogin,
            ...(options.personalJira === undefined
              ? {}
              : { personalJira: options.personalJira, jiraSiteUrl: options.jiraSiteUrl }),
            ...(options.accountSections === undefined
              ? {}
              : { accountSections: options.accountSections }),
            ...(config.oidc === undefined
              ? {}
              : {
                  oidc: {
                    relyingParty:
                      options.oidcRelyingParty ??
                      createRelyingParty(config.oidc, undefined, { clock }),
                    rules: config.oidc,
                    providerName: config.oidc.providerName,
                  },
                }),
          },
        }
      : {}),
    ...(servesMcp && options.mountMcp !== undefined ? { mountMcp: options.mountMcp } : {}),
    ops: options.ops ?? {
      readiness: createReadiness({ checks: [storageReadiness(storage)], clock }),
    },
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
  });
}

/**
 * The readiness check every gateway has: its store answers a ping.
 * @see src/storage/ports.ts (Storage.ping)
 */
export function storageReadiness(storage: Pick<Storage, 'ping'>): ReadinessCheck {
  return { name: 'storage', check: () => storage.ping() };
}
