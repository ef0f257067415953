import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  ActiveToken,
  RotateRefreshResult,
  TokenKind,
  TokenRecord,
  TokenRepository,
} from '../ports.js';
import {
  conflictOr,
  getItem,
  isConditionFailure,
  queryAll,
  type DynamoDbTable,
} from './dynamodb-table.js';
import { isGrantUsable, readGrant } from './grant-item.js';
import { CHILD_PREFIX, KEYS, PARENT } from './item-keys.js';
import { INDEX_NAMES } from './table-schema.js';
import { toToken, toTokenItem } from './token-item.js';

const INVALID: RotateRefreshResult = Object.freeze({ status: 'invalid' });

function isUsable(token: TokenRecord, now: number): boolean {
  return token.revokedAt === undefined && token.rotatedAt === undefined && token.expiresAt > now;
}

/**
 * Access and refresh tokens, stored by hash. Whether a token is usable is
 * decided with its grant, read right after it.
 * @see RFC 6749 §10.4
 */
export class DynamoDbTokenRepository implements TokenRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  /**
   * Puts every token with `attribute_not_exists(pk)`. If any put fails, the
   * ones that succeeded are deleted again before the error is thrown, so a
   * failed save leaves nothing behind (a crash in between leaves tokens whose
   * secrets were never handed out).
   */
  async save(tokens: TokenRecord[]): Promise<void> {
    const written: TokenRecord[] = [];
    const results = await Promise.allSettled(
      tokens.map(async (token) => {
        await this.#table.doc.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: toTokenItem(token),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        written.push(token);
      }),
    );
    const failure = results.find((r) => r.status === 'rejected');
    if (failure === undefined) {
      return;
    }
    await Promise.all(
      written.map((token) =>
        this.#table.doc.send(
          new DeleteCommand({ TableName: this.#table.name, Key: KEYS.token(token.tokenHash) }),
        ),
      ),
    );
    throw conflictOr(failure.reason, 'token hash');
  }

  /**
   * A rotated refresh token is not active: it has been exchanged.
   * @see RFC 7662 §2.2
   * @see RFC 9700 §4.14.2
   */
  async findActive(
    tokenHash: string,
    kind: TokenKind,
    now: number,
  ): Promise<ActiveToken | undefined> {
    const token = await this.get(tokenHash);
    if (token?.kind !== kind || !isUsable(token, now)) {
      return undefined;
    }
    const grant = await readGrant(this.#table, token.grantId);
    return grant !== undefined && isGrantUsable(grant, now) ? { token, grant } : undefined;
  }

  async get(tokenHash: string): Promise<TokenRecord | undefined> {
    const item = await getItem(this.#table, KEYS.token(tokenHash));
    return item === undefined ? undefined : toToken(item);
  }

  /**
   * Checks the token and its grant, then claims the token with one
   * conditional UpdateItem (unrotated, unrevoked, unexpired): of concurrent
   * callers exactly one write succeeds. Only the winner then stores the
   * replacements. A grant revoked between the check and the claim makes the
   * replacements dead on arrival (findActive reads the grant), the same
   * outcome as a revocation just after the rotation. If storing the
   * replacements fails, the claim is undone; if the process dies between
   * claim and store, the old token stays rotated and the client must sign
   * in again, which is the safe way to fail.
   * @see RFC 9700 §4.14.2
   * @see draft-ietf-oauth-v2-1-13 §4.3.1
   */
  async rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
  ): Promise<RotateRefreshResult> {
    const current = await this.get(tokenHash);
    if (current === undefined) {
      return INVALID;
    }
    const verdict = this.#unclaimable(current, now);
    if (verdict !== undefined) {
      return verdict;
    }
    if (replacements.some((t) => t.grantId !== current.grantId)) {
      throw new Error('replacement tokens must belong to the rotated token’s grant');
    }
    const grant = await readGrant(this.#table, current.grantId);
    if (grant === undefined || !isGrantUsable(grant, now)) {
      return INVALID;
    }
    let claimed: TokenRecord;
    try {
      const result = await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.token(tokenHash),
          UpdateExpression: 'SET #rotatedAt = :now',
          ConditionExpression:
            'attribute_exists(pk) AND #kind = :refresh AND attribute_not_exists(#rotatedAt) ' +
            'AND attribute_not_exists(#revokedAt) AND #expiresAt > :now',
          ExpressionAttributeNames: {
            '#kind': 'kind',
            '#rotatedAt': 'rotatedAt',
            '#revokedAt': 'revokedAt',
            '#expiresAt': 'expiresAt',
          },
          ExpressionAttributeValues: { ':now': now, ':refresh': 'refresh' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      claimed = toToken(result.Attributes);
    } catch (error) {
      if (!isConditionFailure(error)) {
        throw error;
      }
      // Lost the race, or the token died meanwhile. `rotatedAt` is only ever
      // cleared by a winner undoing its own failed rotation; a loser that
      // reads it cleared answers `invalid`, never `ok`.
      const after = await this.get(tokenHash);
      return after === undefined ? INVALID : (this.#unclaimable(after, now) ?? INVALID);
    }
    try {
      await this.save(replacements);
    } catch (error) {
      // Undo the claim, as SQLite's rollback would, so a transient failure
      // does not make the client's retry look like refresh-token theft.
      // Should the undo fail too, the token stays rotated: fail closed.
      await this.#release(tokenHash, now).catch(() => undefined);
      throw error;
    }
    return { status: 'ok', token: claimed, grant };
  }

  /**
   * Idempotent: a second revocation keeps the first time.
   * @see RFC 7009 §2.1
   */
  async revoke(tokenHash: string, now: number): Promise<boolean> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.token(tokenHash),
          UpdateExpression: 'SET #revokedAt = if_not_exists(#revokedAt, :now)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#revokedAt': 'revokedAt' },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) {
        return false;
      }
      throw error;
    }
  }

  /** From the `by-parent` index: eventually consistent, ordered by issue time. */
  async listByGrant(grantId: string): Promise<TokenRecord[]> {
    const items = await queryAll(this.#table, {
      IndexName: INDEX_NAMES.byParent,
      KeyConditionExpression: 'gsi1pk = :grant AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':grant': PARENT.grant(grantId), ':prefix': CHILD_PREFIX.token },
    });
    return items.map(toToken);
  }

  /** Clears the claim this call made (the condition makes sure it is ours). */
  async #release(tokenHash: string, claimedAt: number): Promise<void> {
    await this.#table.doc.send(
      new UpdateCommand({
        TableName: this.#table.name,
        Key: KEYS.token(tokenHash),
        UpdateExpression: 'REMOVE #rotatedAt',
        ConditionExpression: '#rotatedAt = :claimedAt',
        ExpressionAttributeNames: { '#rotatedAt': 'rotatedAt' },
        ExpressionAttributeValues: { ':claimedAt': claimedAt },
      }),
    );
  }

  /**
   * Why `token` cannot be rotated at `now`, or undefined when it can. As in
   * the SQLite adapter: an unexpired rotated refresh token is `reused`;
   * anything else unusable is `invalid`.
   */
  #unclaimable(token: TokenRecord, now: number): RotateRefreshResult | undefined {
    if (token.kind !== 'refresh' || token.expiresAt <= now) {
      return INVALID;
    }
    if (token.rotatedAt !== undefined) {
      return { status: 'reused', token };
    }
    return token.revokedAt === undefined ? undefined : INVALID;
  }
}
