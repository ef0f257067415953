/**
 * How each record is addressed in the single table. A prefix names the
 * entity type, so keys of different types can never collide, and the rest
 * of the key is taken whole (a `#` inside a username stays unambiguous).
 * @see docs/storage-schema.md#dynamodb-layout
 */

export interface ItemKey {
  pk: string;
  sk: string;
}

/** The one partition the audit trail lives in, sorted by time (docs explain why one). */
export const AUDIT_PARTITION = 'AUDIT';

/** Sort-key prefix of chained audit events inside `AUDIT`. */
export const AUDIT_SEQ_PREFIX = 'SEQ#';

/** The partition of the audit chain's own records (apart from the events). */
export const AUDIT_CHAIN_PARTITION = 'AUDIT_CHAIN';

/** Partition keys of the `by-type` index, one per listable entity type. */
export const TYPE_PARTITION = {
  user: 'TYPE#user',
  client: 'TYPE#client',
  grant: 'TYPE#grant',
} as const;

/** Sort-key prefixes inside a `by-parent` partition that holds several item types. */
export const CHILD_PREFIX = {
  grant: 'GRANT#',
  session: 'SESSION#',
  token: 'TOKEN#',
} as const;

const SORTABLE_DIGITS = 16;

/**
 * Epoch milliseconds as a fixed-width decimal string, so that string order
 * (the order DynamoDB sorts `S` keys in) is time order.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
 */
export function sortableTime(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new RangeError('a stored time must be a non-negative integer of milliseconds');
  }
  return String(ms).padStart(SORTABLE_DIGITS, '0');
}

/**
 * The TTL value for a record that stops being valid at `expiresAtMs`: epoch
 * seconds, rounded up so DynamoDB never deletes an item before it expires.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html
 */
export function ttlSeconds(expiresAtMs: number): number {
  return Math.ceil(expiresAtMs / 1000);
}

/** Primary keys, one builder per item type. */
export const KEYS = {
  /** The user record itself, keyed by username so the key enforces uniqueness. */
  user: (username: string): ItemKey => ({ pk: `USERNAME#${username}`, sk: 'USER' }),
  /** A pointer from a user id to the username that keys the record. */
  userId: (id: string): ItemKey => ({ pk: `USER#${id}`, sk: 'USER_ID' }),
  client: (clientId: string): ItemKey => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' }),
  code: (codeHash: string): ItemKey => ({ pk: `CODE#${codeHash}`, sk: 'CODE' }),
  grant: (id: string): ItemKey => ({ pk: `GRANT#${id}`, sk: 'GRANT' }),
  token: (tokenHash: string): ItemKey => ({ pk: `TOKEN#${tokenHash}`, sk: 'TOKEN' }),
  /** An event from before the hash chain (time-ordered; still read and purged). */
  audit: (at: number, id: string): ItemKey => ({
    pk: AUDIT_PARTITION,
    sk: `${sortableTime(at)}#${id}`,
  }),
  /** A chained audit event; `SEQ#` sorts after every digit, so chained events follow old ones. */
  auditSeq: (seq: number): ItemKey => ({
    pk: AUDIT_PARTITION,
    sk: `${AUDIT_SEQ_PREFIX}${sortableTime(seq)}`,
  }),
  /** The audit chain's anchor (where the remaining chain starts after retention purges). */
  auditAnchor: (): ItemKey => ({ pk: AUDIT_CHAIN_PARTITION, sk: 'ANCHOR' }),
  /** The newest chained event as last recorded (a hint that may lag, never run ahead). */
  auditHead: (): ItemKey => ({ pk: AUDIT_CHAIN_PARTITION, sk: 'HEAD' }),
  secret: (name: string): ItemKey => ({ pk: `SECRET#${name}`, sk: 'SECRET' }),
  counter: (key: string): ItemKey => ({ pk: `COUNTER#${key}`, sk: 'COUNTER' }),
  session: (idHash: string): ItemKey => ({ pk: `SESSION#${idHash}`, sk: 'SESSION' }),
  /**
   * A pointer from an OpenID (issuer, subject) to the user's id and username;
   * issuer and subject sit in separate attributes, so neither can spill into the other.
   */
  identity: (issuer: string, subject: string): ItemKey => ({
    pk: `IDENTITY#${issuer}`,
    sk: `SUBJECT#${subject}`,
  }),
  oidcLogin: (idHash: string): ItemKey => ({ pk: `OIDC_LOGIN#${idHash}`, sk: 'OIDC_LOGIN' }),
  /** A person's link to their own Jira account (one per user). */
  jiraLink: (userId: string): ItemKey => ({ pk: `JIRA_LINK#${userId}`, sk: 'JIRA_LINK' }),
  /** A link to Atlassian in flight, by the hash of its `state`. */
  jiraLinkState: (stateHash: string): ItemKey => ({
    pk: `JIRA_LINK_STATE#${stateHash}`,
    sk: 'JIRA_LINK_STATE',
  }),
} as const;

/** Partition keys of the `by-parent` and `by-client` indexes. */
export const PARENT = {
  grant: (grantId: string): string => `GRANT#${grantId}`,
  user: (userId: string): string => `USER#${userId}`,
  client: (clientId: string): string => `CLIENT#${clientId}`,
} as const;
