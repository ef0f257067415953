/**
 * The DynamoDB API actions each function may call on the table: what the
 * storage adapter sends on each function's request paths, and nothing more. `test/lambda` records the actions each handler sends
 * through a whole OAuth and MCP flow and checks they are within these lists.
 */

import { INDEX_NAMES } from '../src/storage/dynamodb/table-schema.js';

/**
 * Authorization server: single-item reads and (conditional) writes of
 * clients, users, sessions, codes, grants, tokens, counters, Jira links and
 * audit events, and one listing: a person's grants (`listByUser`, for the
 * consent page's step-up, `/account` and unlinking Jira). The other listings
 * (`user list`, `client list`, `audit tail`, purge) are the admin CLI's, so
 * it may Query only the index of that one, and never Scan.
 */
export const OAUTH_TABLE_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
];

/** The indexes the OAuth function queries: a user's grants (and a grant's tokens) by parent. */
export const OAUTH_QUERY_INDEXES: readonly string[] = [INDEX_NAMES.byParent];

/**
 * MCP resource server: reads tokens, grants, users, the encrypted Jira
 * credential and people's Jira links; appends audit events; updates a
 * grant's last use (at most once a minute), revokes the grant of a caller
 * whose Jira link is gone, and replaces a person's Jira link under a version
 * check (the refresh lease, rotated tokens, a link marked broken). It never
 * deletes a record and never lists: linking and unlinking happen at the
 * OAuth function.
 */
export const MCP_TABLE_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/**
 * What each function needs on the table's own KMS key for DynamoDB to
 * encrypt and decrypt items on its behalf (the actions the CDK's
 * `grantReadWriteData` gives), limited to calls made through DynamoDB.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
 */
export const TABLE_KEY_ACTIONS: readonly string[] = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];
