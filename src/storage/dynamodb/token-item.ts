import { z } from 'zod';
import { formatScopes, parseStoredScopes } from '../../oauth/scopes.js';
import type { TokenRecord } from '../ports.js';
import { CHILD_PREFIX, KEYS, PARENT, sortableTime, ttlSeconds } from './item-keys.js';
import { TTL_ATTRIBUTE } from './table-schema.js';

const tokenItem = z.object({
  tokenHash: z.string(),
  kind: z.enum(['access', 'refresh']),
  grantId: z.string(),
  clientId: z.string(),
  userId: z.string(),
  scopes: z.string().transform(parseStoredScopes),
  resource: z.string(),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
  revokedAt: z.number().int().exactOptional(),
  rotatedAt: z.number().int().exactOptional(),
  parentHash: z.string().exactOptional(),
  successorHash: z.string().exactOptional(),
});

/**
 * A token's item: indexed under its grant (`by-parent`, ordered by issue
 * time) and deleted by TTL once it has expired.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export function toTokenItem(token: TokenRecord): Record<string, unknown> {
  return {
    ...KEYS.token(token.tokenHash),
    gsi1pk: PARENT.grant(token.grantId),
    gsi1sk: `${CHILD_PREFIX.token}${sortableTime(token.issuedAt)}#${token.tokenHash}`,
    [TTL_ATTRIBUTE]: ttlSeconds(token.expiresAt),
    tokenHash: token.tokenHash,
    kind: token.kind,
    grantId: token.grantId,
    clientId: token.clientId,
    userId: token.userId,
    scopes: formatScopes(token.scopes),
    resource: token.resource,
    issuedAt: token.issuedAt,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    rotatedAt: token.rotatedAt,
    parentHash: token.parentHash,
    successorHash: token.successorHash,
  };
}

/**
 * Parses a stored token; absent attributes become absent properties.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export function toToken(item: unknown): TokenRecord {
  return tokenItem.parse(item);
}
