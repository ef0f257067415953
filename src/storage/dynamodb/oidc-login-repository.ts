import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { OidcLoginRecord, OidcLoginRepository } from '../ports.js';
import { conflictOr, isConditionFailure, type DynamoDbTable } from './dynamodb-table.js';
import { KEYS, ttlSeconds } from './item-keys.js';
import { TTL_ATTRIBUTE } from './table-schema.js';

const loginItem = z.object({
  idHash: z.string(),
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  request: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});

/**
 * Sign-ins at the OpenID provider in flight. A consume is one conditional
 * delete that returns the old item, so of two callbacks with one cookie only
 * one gets the record; TTL removes abandoned ones.
 * @see OpenID Connect Core 1.0 §3.1.2.1 (state, nonce); RFC 7636 §4.1
 */
export class DynamoDbOidcLoginRepository implements OidcLoginRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async save(login: OidcLoginRecord): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...KEYS.oidcLogin(login.idHash),
            [TTL_ATTRIBUTE]: ttlSeconds(login.expiresAt),
            ...login,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'sign-in id hash');
    }
  }

  async consume(idHash: string, now: number): Promise<OidcLoginRecord | undefined> {
    try {
      const result = await this.#table.doc.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: KEYS.oidcLogin(idHash),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      const login = loginItem.parse(result.Attributes);
      // TTL deletes late: an expired record is consumed but not honoured.
      return login.expiresAt > now ? login : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
