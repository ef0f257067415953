import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { checkReplacements } from '../check-replacements.js';
import type {
  ActiveToken,
  GrantRecord,
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
import { CHILD_PREFIX, KEYS, PARENT, ttlSeconds } from './item-keys.js';
import { INDEX_NAMES, TTL_ATTRIBUTE } from './table-schema.js';
import { toToken, toTokenItem } from './token-item.js';

const INVALID: RotateRefreshResult = Object.freeze({ status: 'invalid' });

function isUsable(token: TokenRecord, now: number): boolean {
  return token.revokedAt === undefined && token.rotatedAt === undefined && token.expiresAt > now;
}

/** An unrevoked, unexpired refresh token: rotated or not, it can be decided on. */
function isLiveRefresh(token: TokenRecord, now: number): boolean {
  return token.kind === 'refresh' && token.revokedAt === undefined && token.expiresAt > now;
}

/**
 * The TTL (epoch seconds) a token gets when tokens are issued from it: past
 * its own expiry and past every replacement refresh token's expiry plus the
 * reuse interval. Siblings are issued less than one interval apart, so the
 * value any of them writes covers all of them.
 */
function childrenTtl(
  token: TokenRecord,
  now: number,
  replacements: readonly TokenRecord[],
  reuseIntervalMs: number,
): number {
  const ends = replacements
    .filter((t) => t.kind === 'refresh')
    .map((t) => t.expiresAt + Math.max(0, reuseIntervalMs));
  return ttlSeconds(Math.max(token.expiresAt, now, ...ends));
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
   * A rotated refresh token is not active: it has been exchanged; nor is one
   * whose parent settled on a sibling.
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
    const [grant, parent] = await Promise.all([
      readGrant(this.#table, token.grantId),
      token.parentHash === undefined ? undefined : this.get(token.parentHash),
    ]);
    const superseded =
      parent?.successorHash !== undefined && parent.successorHash !== token.tokenHash;
    return grant !== undefined && isGrantUsable(grant, now) && !superseded
      ? { token, grant }
      : undefined;
  }

  async get(tokenHash: string): Promise<TokenRecord | undefined> {
    const item = await getItem(this.#table, KEYS.token(tokenHash));
    return item === undefined ? undefined : toToken(item);
  }

  /**
   * Each decision is one conditional UpdateItem (see the port for the
   * outcomes):
   * - an unrotated token first settles its parent (`successorHash` set if
   *   unset or already this token): a parent settled on a sibling makes it
   *   `superseded`. Then the claim (`rotatedAt` set if unrotated, unrevoked,
   *   unexpired): of concurrent callers exactly one wins; the others go on
   *   as presenters of a rotated token. Only the winner stores the
   *   replacements; if that fails the claim is undone, so a retry after a
   *   transient error is not taken for theft (a parent settled on this
   *   token stays settled: this token is still the chain);
   * - a rotated token within the reuse interval: the siblings are stored
   *   first, then count only if the token is still rotated at the same time,
   *   unrevoked and without a successor when a conditional update checks it;
   *   otherwise they are deleted again and the answer is `reused`.
   * A claim or reissue pushes the token's TTL past the expiry of every token
   * issued from it (plus the interval, which covers siblings written out of
   * order), so its `successorHash` outlives them.
   * A grant revoked between the check and the write makes the replacements
   * dead on arrival (findActive reads the grant), the same outcome as a
   * revocation just after the rotation.
   * @see RFC 9700 §4.14.2
   * @see draft-ietf-oauth-v2-1-13 §4.3.1
   */
  async rotateRefresh(
    tokenHash: string,
    now: number,
    replacements: TokenRecord[],
    reuseIntervalMs = 0,
  ): Promise<RotateRefreshResult> {
    const current = await this.get(tokenHash);
    if (current === undefined || !isLiveRefresh(current, now)) {
      return INVALID;
    }
    checkReplacements(current.grantId, tokenHash, replacements);
    const grant = await readGrant(this.#table, current.grantId);
    if (grant === undefined || !isGrantUsable(grant, now)) {
      return INVALID;
    }
    const ttl = childrenTtl(current, now, replacements, reuseIntervalMs);
    if (current.rotatedAt !== undefined) {
      return this.#reissue(current, grant, now, replacements, reuseIntervalMs, ttl);
    }
    if (current.parentHash !== undefined && !(await this.#settle(current.parentHash, tokenHash))) {
      return { status: 'reused', token: current, reason: 'superseded' };
    }
    let claimed: TokenRecord;
    try {
      const result = await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.token(tokenHash),
          UpdateExpression: 'SET #rotatedAt = :now, #ttl = :ttl',
          ConditionExpression:
            'attribute_exists(pk) AND #kind = :refresh AND attribute_not_exists(#rotatedAt) ' +
            'AND attribute_not_exists(#revokedAt) AND #expiresAt > :now',
          ExpressionAttributeNames: {
            '#kind': 'kind',
            '#rotatedAt': 'rotatedAt',
            '#revokedAt': 'revokedAt',
            '#expiresAt': 'expiresAt',
            '#ttl': TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: { ':now': now, ':refresh': 'refresh', ':ttl': ttl },
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
      if (after?.rotatedAt === undefined || !isLiveRefresh(after, now)) {
        return INVALID;
      }
      return this.#reissue(after, grant, now, replacements, reuseIntervalMs, ttl);
    }
    try {
      await this.save(replacements);
    } catch (error) {
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
   * A rotated token presented again: siblings within the reuse interval
   * while no token issued from it has been exchanged, `reused` otherwise.
   */
  async #reissue(
    token: TokenRecord,
    grant: GrantRecord,
    now: number,
    replacements: TokenRecord[],
    reuseIntervalMs: number,
    ttl: number,
  ): Promise<RotateRefreshResult> {
    const { rotatedAt } = token;
    if (
      rotatedAt === undefined ||
      reuseIntervalMs <= 0 ||
      token.successorHash !== undefined ||
      now >= rotatedAt + reuseIntervalMs
    ) {
      return { status: 'reused', token, reason: 'rotated' };
    }
    // Stored before the check below, which is the moment the siblings are
    // born: a child exchanged after it merely beats them (they are siblings),
    // one exchanged before it makes the check fail. Nobody holds their
    // secrets until this call returns.
    await this.save(replacements);
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.token(token.tokenHash),
          UpdateExpression: 'SET #ttl = :ttl',
          ConditionExpression:
            'attribute_exists(pk) AND #rotatedAt = :rotatedAt ' +
            'AND attribute_not_exists(#successorHash) AND attribute_not_exists(#revokedAt)',
          ExpressionAttributeNames: {
            '#rotatedAt': 'rotatedAt',
            '#successorHash': 'successorHash',
            '#revokedAt': 'revokedAt',
            '#ttl': TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: { ':rotatedAt': rotatedAt, ':ttl': ttl },
        }),
      );
    } catch (error) {
      await this.#delete(replacements).catch(() => undefined);
      if (!isConditionFailure(error)) {
        throw error;
      }
      const after = await this.get(token.tokenHash);
      if (after?.rotatedAt === undefined || !isLiveRefresh(after, now)) {
        return INVALID;
      }
      return { status: 'reused', token: after, reason: 'rotated' };
    }
    return { status: 'reissued', token, grant };
  }

  /**
   * Records `childHash` as the parent's successor unless the parent already
   * names another; false when it does (the child is superseded). A parent
   * that is gone decides nothing: its TTL outlives every token issued from it.
   */
  async #settle(parentHash: string, childHash: string): Promise<boolean> {
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.token(parentHash),
          UpdateExpression: 'SET #successorHash = :child',
          ConditionExpression:
            'attribute_exists(pk) AND ' +
            '(attribute_not_exists(#successorHash) OR #successorHash = :child)',
          ExpressionAttributeNames: { '#successorHash': 'successorHash' },
          ExpressionAttributeValues: { ':child': childHash },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) {
        throw error;
      }
      // `successorHash` is written once, so this read agrees with the condition.
      const parent = await this.get(parentHash);
      return parent === undefined || parent.successorHash === childHash;
    }
  }

  async #delete(tokens: readonly TokenRecord[]): Promise<void> {
    await Promise.all(
      tokens.map((token) =>
        this.#table.doc.send(
          new DeleteCommand({ TableName: this.#table.name, Key: KEYS.token(token.tokenHash) }),
        ),
      ),
    );
  }
}
