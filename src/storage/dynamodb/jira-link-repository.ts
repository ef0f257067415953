import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { randomId } from '../../crypto/random.js';
import type {
  JiraLinkRecord,
  JiraLinkRepository,
  JiraLinkStateRecord,
  JiraLinkVersion,
} from '../ports.js';
import { conflictOr, getItem, isConditionFailure, type DynamoDbTable } from './dynamodb-table.js';
import { KEYS, ttlSeconds } from './item-keys.js';
import { TTL_ATTRIBUTE } from './table-schema.js';

const linkItem = z.object({
  userId: z.string(),
  linkId: z.string(),
  kind: z.enum(['atlassian-oauth', 'personal-token']),
  status: z.enum(['active', 'broken']),
  version: z.number().int(),
  ciphertext: z.instanceof(Uint8Array),
  accountId: z.string(),
  displayName: z.string(),
  email: z.string().optional(),
  siteUrl: z.string(),
  cloudId: z.string().optional(),
  accessExpiresAt: z.number().int().optional(),
  leaseOwner: z.string().optional(),
  leaseUntil: z.number().int().optional(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  brokenAt: z.number().int().optional(),
});

const stateItem = z.object({
  stateHash: z.string(),
  userId: z.string(),
  returnTo: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});

function toLink(item: unknown): JiraLinkRecord {
  const { leaseOwner, leaseUntil, email, cloudId, accessExpiresAt, brokenAt, ...rest } =
    linkItem.parse(item);
  const link: JiraLinkRecord = rest;
  if (email !== undefined) link.email = email;
  if (cloudId !== undefined) link.cloudId = cloudId;
  if (accessExpiresAt !== undefined) link.accessExpiresAt = accessExpiresAt;
  if (leaseOwner !== undefined && leaseUntil !== undefined) {
    link.lease = { owner: leaseOwner, until: leaseUntil };
  }
  if (brokenAt !== undefined) link.brokenAt = brokenAt;
  return link;
}

/** The non-key attributes of a link, absent optional ones as `undefined`. */
function attributes(link: Omit<JiraLinkRecord, 'version'>): Record<string, unknown> {
  return {
    userId: link.userId,
    linkId: link.linkId,
    kind: link.kind,
    status: link.status,
    // A copy holds exactly the view's bytes, whatever buffer it sits in.
    ciphertext: Uint8Array.from(link.ciphertext),
    accountId: link.accountId,
    displayName: link.displayName,
    email: link.email,
    siteUrl: link.siteUrl,
    cloudId: link.cloudId,
    accessExpiresAt: link.accessExpiresAt,
    leaseOwner: link.lease?.owner,
    leaseUntil: link.lease?.until,
    createdAt: link.createdAt,
    updatedAt: link.updatedAt,
    brokenAt: link.brokenAt,
  };
}

/**
 * One update that makes the item hold exactly `link` (SET what is present,
 * REMOVE what is absent) plus a version change given as `versionClause`.
 */
function fullUpdate(
  link: Omit<JiraLinkRecord, 'version'>,
  versionClause: string,
): { UpdateExpression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const set: string[] = [versionClause];
  const remove: string[] = [];
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = {};
  let i = 0;
  for (const [name, value] of Object.entries(attributes(link))) {
    i += 1;
    names[`#a${i}`] = name;
    if (value === undefined) {
      remove.push(`#a${i}`);
    } else {
      set.push(`#a${i} = :v${i}`);
      values[`:v${i}`] = value;
    }
  }
  const expression = `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`;
  return { UpdateExpression: expression, names, values };
}

/**
 * Per-person Jira links and links in flight. Every conditional write is one
 * single-item `UpdateItem` with a `ConditionExpression` on `version` and
 * `linkId`, so of
 * concurrent writers in any number of Lambda containers exactly one wins.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export class DynamoDbJiraLinkRepository implements JiraLinkRepository {
  readonly #table: DynamoDbTable;

  constructor(table: DynamoDbTable) {
    this.#table = table;
  }

  async get(userId: string): Promise<JiraLinkRecord | undefined> {
    const item = await getItem(this.#table, KEYS.jiraLink(userId));
    return item === undefined ? undefined : toLink(item);
  }

  async put(link: Omit<JiraLinkRecord, 'version' | 'linkId'>): Promise<JiraLinkVersion> {
    const linkId = randomId('jlk');
    const update = fullUpdate(
      { ...link, linkId },
      '#version = if_not_exists(#version, :zero) + :one',
    );
    const result = await this.#table.doc.send(
      new UpdateCommand({
        TableName: this.#table.name,
        Key: KEYS.jiraLink(link.userId),
        UpdateExpression: update.UpdateExpression,
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: { ...update.values, ':zero': 0, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return {
      linkId,
      version: z.object({ version: z.number().int() }).parse(result.Attributes).version,
    };
  }

  async replace(link: Omit<JiraLinkRecord, 'version'>, expectedVersion: number): Promise<boolean> {
    const update = fullUpdate(link, '#version = :next');
    try {
      await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.jiraLink(link.userId),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#version = :expected AND #linkId = :linkId',
          ExpressionAttributeNames: { ...update.names, '#linkId': 'linkId' },
          ExpressionAttributeValues: {
            ...update.values,
            ':linkId': link.linkId,
            ':expected': expectedVersion,
            ':next': expectedVersion + 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async acquireLease(
    userId: string,
    expected: JiraLinkVersion,
    lease: { owner: string; until: number },
    now: number,
  ): Promise<number | undefined> {
    try {
      const result = await this.#table.doc.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: KEYS.jiraLink(userId),
          UpdateExpression:
            'SET #leaseOwner = :owner, #leaseUntil = :until, #version = #version + :one',
          ConditionExpression:
            '#version = :expected AND #linkId = :linkId AND (attribute_not_exists(#leaseUntil) OR #leaseUntil <= :now)',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#linkId': 'linkId',
            '#leaseOwner': 'leaseOwner',
            '#leaseUntil': 'leaseUntil',
          },
          ExpressionAttributeValues: {
            ':owner': lease.owner,
            ':until': lease.until,
            ':expected': expected.version,
            ':linkId': expected.linkId,
            ':now': now,
            ':one': 1,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return z.object({ version: z.number().int() }).parse(result.Attributes).version;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async delete(userId: string): Promise<JiraLinkRecord | undefined> {
    const result = await this.#table.doc.send(
      new DeleteCommand({
        TableName: this.#table.name,
        Key: KEYS.jiraLink(userId),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes === undefined ? undefined : toLink(result.Attributes);
  }

  async saveState(state: JiraLinkStateRecord): Promise<void> {
    try {
      await this.#table.doc.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...KEYS.jiraLinkState(state.stateHash),
            [TTL_ATTRIBUTE]: ttlSeconds(state.expiresAt),
            ...state,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw conflictOr(error, 'link state hash');
    }
  }

  async consumeState(stateHash: string, now: number): Promise<JiraLinkStateRecord | undefined> {
    try {
      const result = await this.#table.doc.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: KEYS.jiraLinkState(stateHash),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      const state = stateItem.parse(result.Attributes);
      // TTL deletes late: an expired record is consumed but not honoured.
      return state.expiresAt > now ? state : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
