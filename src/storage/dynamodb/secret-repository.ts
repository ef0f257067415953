import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { SecretRecord, SecretRepository } from '../ports.js';
import { getItem, type DynamoDbTable } from './dynamodb-table.js';
import { KEYS } from './item-keys.js';

const secretItem = z.object({
  name: z.string(),
  ciphertext: z.instanceof(Uint8Array),
  updatedAt: z.number().int(),
});

/**
 * Envelope-encrypted secrets, stored as DynamoDB Binary (`B`): opaque bytes
 * that round-trip exactly.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Binary
 */
export class DynamoDbSecretRepository implements SecretRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  /** An upsert: a secret put again under the same name replaces the old one. */
  async put(secret: SecretRecord): Promise<void> {
    await this.#table.doc.send(
      new PutCommand({
        TableName: this.#table.name,
        Item: {
          ...KEYS.secret(secret.name),
          name: secret.name,
          // A copy holds exactly the view's bytes, whatever buffer it sits in.
          ciphertext: Uint8Array.from(secret.ciphertext),
          updatedAt: secret.updatedAt,
        },
      }),
    );
  }

  async get(name: string): Promise<SecretRecord | undefined> {
    const item = await getItem(this.#table, KEYS.secret(name));
    return item === undefined ? undefined : secretItem.parse(item);
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.#table.doc.send(
      new DeleteCommand({
        TableName: this.#table.name,
        Key: KEYS.secret(name),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes !== undefined;
  }
}
