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
  userCreated: 'user.created',
  userDisabled: 'user.disabled',
  userEnabled: 'user.enabled',
} as const;

export type AuditEventType = (typeof AUDIT_EVENT)[keyof typeof AUDIT_EVENT];
