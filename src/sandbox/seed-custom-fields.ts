/**
 * Demo values of the custom fields (see custom-fields.ts), stored as the
 * store keeps them: option ids, numbers, accountIds, text.
 */
import { ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID } from './catalog.js';
import {
  CUSTOMER_IMPACT_FIELD,
  REVIEWER_FIELD,
  SEVERITY_FIELD,
  STORY_POINTS_FIELD,
} from './custom-fields.js';

const CRITICAL = '10100';
const MAJOR = '10101';
const MINOR = '10102';

/** Issue ref -> field id -> stored value. */
export const DEMO_CUSTOM_VALUES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'DEMO-3': { [STORY_POINTS_FIELD.id]: 5, [REVIEWER_FIELD.id]: BOB_ACCOUNT_ID },
  'DEMO-6': { [SEVERITY_FIELD.id]: CRITICAL, [STORY_POINTS_FIELD.id]: 3 },
  'DEMO-8': {
    [SEVERITY_FIELD.id]: MAJOR,
    [STORY_POINTS_FIELD.id]: 2,
    [REVIEWER_FIELD.id]: ALICE_ACCOUNT_ID,
  },
  'DEMO-9': { [STORY_POINTS_FIELD.id]: 8 },
  'DEMO-12': { [STORY_POINTS_FIELD.id]: 3 },
  'DEMO-15': { [SEVERITY_FIELD.id]: MINOR, [STORY_POINTS_FIELD.id]: 1.5 },
  'DEMO-20': { [STORY_POINTS_FIELD.id]: 13, [REVIEWER_FIELD.id]: ALICE_ACCOUNT_ID },
  'OPS-2': {
    [SEVERITY_FIELD.id]: CRITICAL,
    [CUSTOMER_IMPACT_FIELD.id]: 'Restores older than 24 hours are at risk.',
  },
};
