/**
 * The Cognito option of the CDK app: a user pool as the organisation's
 * OpenID provider, its app client wired to the gateway's redirect URI, and
 * the OIDC_* settings handed to the functions; no client secret anywhere.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExtraSettings } from '../../infra/settings.js';
import { prebuildStackFixture, resourcesOf, type StackFixture } from './template-helpers.js';

const PUBLIC_URL = 'https://jira-mcp.acme.example';
let fixture: StackFixture;
let template: Template;

beforeAll(async () => {
  fixture = await prebuildStackFixture();
  template = fixture.synth({
    publicUrl: PUBLIC_URL,
    cognito: { domainPrefix: 'acme-jira', providerName: 'Acme SSO', allowedGroups: ['jira-users'] },
  });
}, 120_000);
afterAll(() => {
  fixture.close();
});

describe('GatewayStack: Cognito as the OpenID provider', () => {
  it('creates a user pool without self sign-up, with e-mail sign-in, and its hosted domain', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acme-jira' });
  });

  it('registers the gateway as a public client: code flow, openid email profile, the callback URL, no secret', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: [`${PUBLIC_URL}/login/oidc/callback`],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it('hands the pool’s issuer, client id, name and group rule to the functions, and no secret', () => {
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(JSON.stringify(variables.OIDC_ISSUER)).toMatch(/cognito-idp\./);
      expect(JSON.stringify(variables.OIDC_CLIENT_ID)).toMatch(
        /^\{"Ref":"IdentityUserPoolGatewayClient\w+"\}$/,
      );
      expect(variables).toMatchObject({
        OIDC_PROVIDER_NAME: 'Acme SSO',
        OIDC_GROUPS_CLAIM: 'cognito:groups',
        OIDC_ALLOWED_GROUPS: 'jira-users',
      });
      expect(Object.keys(variables)).not.toContain('OIDC_CLIENT_SECRET');
    }
  });

  it('refuses a Cognito pool next to an OIDC_ISSUER setting, and an OIDC_CLIENT_SECRET setting at all', () => {
    expect(() =>
      fixture.synth({
        cognito: { domainPrefix: 'acme-jira' },
        settings: parseExtraSettings('{"OIDC_ISSUER":"https://login.acme.example"}'),
      }),
    ).toThrow('cognito and an OIDC_ISSUER setting are two providers: choose one');
    expect(() => parseExtraSettings('{"OIDC_CLIENT_SECRET":"s"}')).toThrow(
      'context "settings": OIDC_CLIENT_SECRET must not be set on Lambda',
    );
  });

  it('creates no user pool by default', () => {
    expect(resourcesOf(fixture.synth(), 'AWS::Cognito::UserPool')).toEqual({});
  });
});
