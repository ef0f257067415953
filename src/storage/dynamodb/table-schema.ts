/**
 * The DynamoDB table's key schema, indexes and TTL attribute: the one
 * definition that `createTable` (tests, CLI) and the CDK app both build the
 * table from. Type-only imports, so the CDK app can read these constants
 * without loading the SDK client.
 * @see docs/storage-schema.md#dynamodb-layout
 */
import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';

/** Epoch seconds after which DynamoDB may delete an item (late: reads check expiry anyway). */
export const TTL_ATTRIBUTE = 'ttl';

/** The base table's key: every item is addressed by `pk` + `sk`. */
export const KEY_SCHEMA: readonly KeySchemaElement[] = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
];

export const INDEX_NAMES = {
  /** A token's grant (`GRANT#id`), a grant's or session's user (`USER#id`). */
  byParent: 'by-parent',
  /** Every item of one entity type (`TYPE#user`, `TYPE#client`, `TYPE#grant`). */
  byType: 'by-type',
  /** A grant's client (`CLIENT#id`), so deleting a client finds its grants. */
  byClient: 'by-client',
} as const;

/** Only key attributes are declared; every other attribute is schemaless. */
export const ATTRIBUTE_DEFINITIONS: readonly AttributeDefinition[] = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'gsi3pk',
  'gsi3sk',
].map((name) => ({ AttributeName: name, AttributeType: 'S' }));

function index(name: string, n: 1 | 2 | 3): GlobalSecondaryIndex {
  return {
    IndexName: name,
    KeySchema: [
      { AttributeName: `gsi${n}pk`, KeyType: 'HASH' },
      { AttributeName: `gsi${n}sk`, KeyType: 'RANGE' },
    ],
    // ALL: list queries return whole records, so no follow-up GetItem per row.
    Projection: { ProjectionType: 'ALL' },
  };
}

/** Sparse indexes: an item appears in an index only when it has that index's key attributes. */
export const GLOBAL_SECONDARY_INDEXES: readonly GlobalSecondaryIndex[] = [
  index(INDEX_NAMES.byParent, 1),
  index(INDEX_NAMES.byType, 2),
  index(INDEX_NAMES.byClient, 3),
];
