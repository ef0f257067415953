/**
 * Every audit event type the gateway records, in one place, so the trail can
 * be queried by a fixed vocabulary instead of free-form strings.
 */
export const AUDIT_EVENT = {
  clientRegistered: 'client.registered',
  clientDeleted: 'client.deleted',
  loginSucceeded: 'login.succeeded',
  loginFailed: 'login.failed',
  loginThrottled: 'login.throttled',
  consentGranted: 'consent.granted',
  consentDenied: 'consent.denied',
  codeIssued: 'code.issued',
  codeRedeemed: 'code.redeemed',
  codeReplayed: 'code.replayed',
  tokenIssued: 'token.issued',
  tokenRefreshed: 'token.refreshed',
  tokenRevoked: 'token.revoked',
  refreshReuseDetected: 'refresh.reuse_detected',
  grantRevoked: 'grant.revoked',
  introspection: 'introspection',
  toolCalled: 'tool.called',
  jiraCredentialsSet: 'jira.credentials_set',
  oidcClientSecretSet: 'oidc.client_secret_set',
  userCreated: 'user.created',
  userDisabled: 'user.disabled',
  userEnabled: 'user.enabled',
  /** An operator set a user's password (`user set-password`); their sessions ended. */
  userPasswordChanged: 'user.password_changed',
  /** Retention removed audit events: how many, through which seq, recorded before when. */
  auditPurged: 'audit.purged',
  /** A purge run deleted expired records (counts per kind). */
  purgeCompleted: 'purge.completed',
} as const;

export type AuditEventType = (typeof AUDIT_EVENT)[keyof typeof AUDIT_EVENT];
