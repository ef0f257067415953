/**
 * The table's key schema and indexes in CDK terms, derived from the storage
 * adapter's own constants so the deployed table and the one the adapter
 * (and its tests) create cannot drift apart.
 */
import {
  AttributeType,
  ProjectionType,
  type Attribute,
  type GlobalSecondaryIndexProps,
} from 'aws-cdk-lib/aws-dynamodb';
import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import {
  ATTRIBUTE_DEFINITIONS,
  GLOBAL_SECONDARY_INDEXES,
  KEY_SCHEMA,
} from '../src/storage/dynamodb/table-schema.js';

const TYPES: Readonly<Record<string, AttributeType>> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

function attribute(name: string | undefined): Attribute {
  const definition = ATTRIBUTE_DEFINITIONS.find((d) => d.AttributeName === name);
  const type =
    definition?.AttributeType === undefined ? undefined : TYPES[definition.AttributeType];
  if (name === undefined || type === undefined) {
    throw new Error(`table schema: no attribute definition for key attribute ${String(name)}`);
  }
  return { name, type };
}

function keys(schema: readonly KeySchemaElement[] | undefined): {
  partitionKey: Attribute;
  sortKey?: Attribute;
} {
  const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
  return {
    partitionKey: attribute(hash),
    ...(range === undefined ? {} : { sortKey: attribute(range) }),
  };
}

/**
 * Partition key, sort key and global secondary indexes of the gateway's table.
 * @see docs/storage-schema.md#dynamodb-layout
 */
export function tableKeys(): {
  partitionKey: Attribute;
  sortKey?: Attribute;
  globalSecondaryIndexes: GlobalSecondaryIndexProps[];
} {
  return {
    ...keys(KEY_SCHEMA),
    globalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES.map((index) => {
      if (index.IndexName === undefined || index.Projection?.ProjectionType !== 'ALL') {
        throw new Error('table schema: every index needs a name and projects ALL attributes');
      }
      return {
        indexName: index.IndexName,
        ...keys(index.KeySchema),
        projectionType: ProjectionType.ALL,
      };
    }),
  };
}
