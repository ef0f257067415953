/**
 * The DynamoDB API actions each function may call on the table: what the
 * storage adapter sends on each function's request paths, and nothing more. `test/lambda` records the actions each handler sends
 * through a whole OAuth and MCP flow and checks they are within these lists.
 */

/**
 * Authorization server: single-item reads and (conditional) writes of
 * clients, users, sessions, codes, grants, tokens, counters and audit
 * events. Listing queries (`user list`, `grant list`, `audit tail`) are the
 * admin CLI's, so neither function may Query or Scan.
 */
export const OAUTH_TABLE_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];

/**
 * MCP resource server: reads tokens, grants, users and the encrypted Jira
 * credential; appends audit events. It never updates or deletes a record.
 */
export const MCP_TABLE_ACTIONS: readonly string[] = ['dynamodb:GetItem', 'dynamodb:PutItem'];

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
