import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { formatScopes, parseStoredScopes } from '../../oauth/scopes.js';
import type {
  AuthorizationCodeRecord,
  AuthorizationCodeRepository,
  ConsumeCodeResult,
} from '../ports.js';
import { conflictOr, getItem, isConditionFailure, type DynamoDbTable } from './dynamodb-table.js';
import { KEYS, ttlSeconds } from './item-keys.js';
import { TTL_ATTRIBUTE } from './table-schema.js';

/**
 * How long a code's item outlives the code. A redeemed code presented again
 * is evidence of theft and must still answer `replayed` (which revokes the
 * grant) after it expires; a day covers any realistic replay of a 60-second
 * code and keeps the table from growing without bound.
 * @see RFC 6749 §4.1.2
 */
export const CODE_REPLAY_RETENTION_MS = 24 * 60 * 60 * 1000;

const codeItem = z.object({
  codeHash: z.string(),
  clientId: z.string(),
  userId: z.string(),
  redirectUri: z.string(),
  resource: z.string(),
  scopes: z.string().transform(parseStoredScopes),
  codeChallenge: z.string(),
  grantId: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  consumedAt: z.number().int().exactOptional(),
});

function parseCode(item: unknown): { code: AuthorizationCodeRecord; consumed: boolean } {
  const { consumedAt, ...code } = codeItem.parse(item);
  return { code, consumed: consumedAt !== undefined };
}

/**
 * Authorization codes, stored by hash, redeemable once.
 * @see RFC 6749 §4.1.2
 */
export class DynamoDbCodeRepository implements AuthorizationCodeRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async save(code: AuthorizationCodeRecord): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...KEYS.code(code.codeHash),
            [TTL_ATTRIBUTE]: ttlSeconds(code.expiresAt + CODE_REPLAY_RETENTION_MS),
            codeHash: code.codeHash,
            clientId: code.clientId,
            userId: code.userId,
            redirectUri: code.redirectUri,
            resource: code.resource,
            scopes: formatScopes(code.scopes),
            codeChallenge: code.codeChallenge,
            grantId: code.grantId,
            createdAt: code.createdAt,
            expiresAt: code.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'code hash');
    }
  }

  /**
   * One conditional UpdateItem claims the code; DynamoDB lets exactly one
   * such write succeed. Losers read the item (strongly consistent) to tell
   * `replayed` from `expired` from `not_found`: `consumedAt` is written once
   * and never removed, so the read cannot contradict the failed condition.
   * A redeemed code is `replayed` even after it expires (ports.ts).
   * @see RFC 6749 §4.1.2
   * @see draft-ietf-oauth-v2-1-13 §4.1.3
   */
  async consume(codeHash: string, now: number): Promise<ConsumeCodeResult> {
    try {
      const claimed = await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.code(codeHash),
          UpdateExpression: 'SET #consumedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(#consumedAt) AND #expiresAt > :now',
          ExpressionAttributeNames: { '#consumedAt': 'consumedAt', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'ok', code: parseCode(claimed.Attributes).code };
    } catch (error) {
      if (!isConditionFailure(error)) {
        throw error;
      }
    }
    const item = await getItem(this.#table, KEYS.code(codeHash));
    if (item === undefined) {
      return { status: 'not_found' };
    }
    const { code, consumed } = parseCode(item);
    return consumed ? { status: 'replayed', code } : { status: 'expired' };
  }
}
