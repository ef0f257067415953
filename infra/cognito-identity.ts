/**
 * The organisation's OpenID provider on AWS, when it has none: an Amazon
 * Cognito user pool with its hosted sign-in page, and an app client wired
 * to the gateway (redirect URI `PUBLIC_URL/login/oidc/callback`, the
 * authorization code flow with PKCE, scopes openid, email, profile). The
 * client has no secret, so none has to be kept: the gateway is a public
 * client and PKCE binds each code to it (OIDC_CLIENT_SECRET is refused on
 * Lambda anyway). Groups travel in the ID token's `cognito:groups` claim.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  Mfa,
  OAuthScope,
  UserPool,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { OIDC_CALLBACK_PATH } from '../src/config/config.js';

export interface CognitoIdentityProps {
  /** The gateway's PUBLIC_URL (may be a token, e.g. the API's endpoint). */
  publicUrl: string;
  /** The hosted sign-in page's `https://<prefix>.auth.<region>.amazoncognito.com`. */
  domainPrefix: string;
  /** Shown as "Sign in with …"; default `Amazon Cognito`. */
  providerName?: string;
  /** OIDC_ALLOWED_GROUPS: only members of these Cognito groups may sign in. */
  allowedGroups?: readonly string[];
}

/** The user pool, its domain and the gateway's app client; `settings` are the gateway's OIDC_*. */
export class CognitoIdentity extends Construct {
  readonly userPool: UserPool;
  /** OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_PROVIDER_NAME, OIDC_GROUPS_CLAIM (+ OIDC_ALLOWED_GROUPS). */
  readonly settings: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CognitoIdentityProps) {
    super(scope, id);
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(props.domainPrefix)) {
      throw new Error('cognito domain prefix: lowercase letters, digits and hyphens, at most 63');
    }
    this.userPool = new UserPool(this, 'UserPool', {
      // The organisation adds its people (console, CLI or a federated IdP).
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      passwordPolicy: { minLength: 12 },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    const client = this.userPool.addClient('GatewayClient', {
      userPoolClientName: 'jira-mcp-gateway',
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${props.publicUrl}${OIDC_CALLBACK_PATH}`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
    });
    this.settings = {
      OIDC_ISSUER: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`,
      OIDC_CLIENT_ID: client.userPoolClientId,
      OIDC_PROVIDER_NAME: props.providerName ?? 'Amazon Cognito',
      OIDC_GROUPS_CLAIM: 'cognito:groups',
      ...(props.allowedGroups === undefined || props.allowedGroups.length === 0
        ? {}
        : { OIDC_ALLOWED_GROUPS: props.allowedGroups.join(',') }),
    };
  }
}
