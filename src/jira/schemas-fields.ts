/**
 * zod schemas for the field list, edit metadata and transitions with their
 * screen fields. Lenient like schemas.ts: unknown properties are kept.
 * @see Jira Cloud platform REST API v3 (FieldDetails, IssueUpdateMetadata, Transitions)
 */
import { z } from 'zod';
import { TRANSITION_SCHEMA } from './schemas.js';

/** FieldDetails: one entry of GET /rest/api/3/field. */
export const FIELD_DETAILS_SCHEMA = z.looseObject({
  id: z.string(),
  key: z.string().optional(),
  name: z.string(),
  custom: z.boolean().optional(),
  navigable: z.boolean().optional(),
  searchable: z.boolean().optional(),
  clauseNames: z.array(z.string()).optional(),
  schema: z
    .looseObject({
      type: z.string(),
      items: z.string().optional(),
      system: z.string().optional(),
      custom: z.string().optional(),
      customId: z.number().optional(),
    })
    .optional(),
});
export type JiraFieldDetails = z.infer<typeof FIELD_DETAILS_SCHEMA>;

export const FIELD_LIST_SCHEMA = z.array(FIELD_DETAILS_SCHEMA);

/** IssueUpdateMetadata: `fields` keyed by field id (FieldMetadata without fieldId). */
export const EDIT_META_SCHEMA = z.looseObject({
  fields: z
    .record(
      z.string(),
      z.looseObject({
        key: z.string().optional(),
        name: z.string(),
        required: z.boolean(),
        schema: z
          .looseObject({
            type: z.string(),
            items: z.string().optional(),
            system: z.string().optional(),
            custom: z.string().optional(),
          })
          .optional(),
        allowedValues: z.array(z.unknown()).optional(),
        hasDefaultValue: z.boolean().optional(),
        operations: z.array(z.string()).optional(),
      }),
    )
    .default({}),
});

export const TRANSITIONS_WITH_FIELDS_SCHEMA = z.looseObject({
  transitions: z.array(TRANSITION_SCHEMA).default([]),
});
