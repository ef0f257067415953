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
  /** A person signed out on /account; their gateway session was deleted. */
  logoutSucceeded: 'logout.succeeded',
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
  /** A person disconnected one of their applications (or tokens) on /account. */
  grantDisconnected: 'grant.disconnected',
  /** A person made a personal access token on /account (name, scope, days; never the token). */
  personalTokenIssued: 'token.personal_issued',
  introspection: 'introspection',
  toolCalled: 'tool.called',
  jiraCredentialsSet: 'jira.credentials_set',
  /** A person linked (or re-linked) their own Jira account: accountId, site, mode; never a token. */
  jiraLinked: 'jira.linked',
  /** Linking failed (declined at Atlassian, bad state, site not granted, token refused): the code. */
  jiraLinkFailed: 'jira.link_failed',
  /** A person unlinked their Jira account on /account; their gateway grants were revoked. */
  jiraUnlinked: 'jira.unlinked',
  oidcClientSecretSet: 'oidc.client_secret_set',
  /** An operator stored the Atlassian OAuth app's client secret (`atlassian set-client-secret`). */
  atlassianClientSecretSet: 'atlassian.client_secret_set',
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
