/**
 * The OAuth function: the authorization server half of the gateway (metadata,
 * registration, authorize with login and consent, token, revoke, introspect)
 * on API Gateway, over the shared DynamoDB table. With KMS_KEY_ID it also
 * decrypts the OpenID client secret stored with `oidc set-client-secret`,
 * through the same cipher the MCP function uses for the Jira credential,
 * loaded only when a secret is first read (see lambda-cipher.ts); in the
 * per-person JIRA_AUTH modes it links each person's Jira account (the step
 * inside /authorize, /jira/oauth/callback, /account) and stores their tokens.
 * In service mode it never holds the shared Jira credential (no decrypt of
 * it, no KMS call): the consent page names the shared account from the
 * non-secret description `jira set-credentials` stores next to it.
 */
import { OidcClientSecretStore } from '../accounts/oidc/client-secret-store.js';
import { createRelyingParty } from '../accounts/oidc/create-relying-party.js';
import { describedServiceMode } from '../jira/person/described-service-mode.js';
import { SharedJiraAccountStore } from '../jira/shared-account.js';
import { composeGateway } from './compose.js';
import { lazyKmsCipher } from './lambda-cipher.js';
import { loadLambdaConfig } from './lambda-config.js';
import { lambdaPersonalJira } from './lambda-jira.js';
import { lambdaPeerAddress, lazyHttpApiHandler, type HttpApiHandler } from './lambda-handler.js';
import { openLambdaRuntime, type LambdaOverrides } from './lambda-runtime.js';

/**
 * The OAuth function's handler for `env`; the app is built on its first
 * invocation (see {@link lazyHttpApiHandler}).
 * @see RFC 6749 §3; RFC 8414 §3; RFC 7591 §3; RFC 7662 §2; RFC 7009 §2
 */
export function createOAuthLambdaHandler(
  env: Readonly<Record<string, string | undefined>>,
  overrides: LambdaOverrides = {},
): HttpApiHandler {
  return lazyHttpApiHandler(() => {
    const loaded = loadLambdaConfig(env, 'oauth');
    const runtime = openLambdaRuntime(loaded, overrides);
    const { config, storage, clock } = runtime;
    const cipher =
      loaded.kmsKeyId === undefined
        ? undefined
        : lazyKmsCipher(loaded.kmsKeyId, overrides.kmsClient);
    // Without KMS_KEY_ID no secret can be read: the provider sees a public client (PKCE).
    const oidcRelyingParty =
      config.oidc === undefined
        ? undefined
        : createRelyingParty(
            config.oidc,
            cipher === undefined
              ? undefined
              : () => new OidcClientSecretStore(storage.secrets, cipher, clock).get(),
            { clock },
          );
    const personalJira =
      lambdaPersonalJira({ config, storage, cipher, clock, logger: runtime.logger }) ??
      // Service mode: who the shared account is, read from its stored description.
      describedServiceMode(new SharedJiraAccountStore(storage.secrets, clock));
    return composeGateway({
      config,
      storage,
      audit: runtime.audit,
      clock,
      logger: runtime.logger,
      peerAddress: lambdaPeerAddress,
      ...(oidcRelyingParty === undefined ? {} : { oidcRelyingParty }),
      personalJira,
      ...(config.jira === undefined ? {} : { jiraSiteUrl: config.jira.baseUrl }),
    });
  });
}

/** The OAuth function's entry point (`handler` in the CDK app). */
export const handler: HttpApiHandler = createOAuthLambdaHandler(process.env);
