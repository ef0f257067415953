/**
 * Tool arguments from a tool's published input schema (the JSON Schema of
 * `tools/list`): valid-shaped values (with realistic values mixed in for
 * fields the sandbox knows, so calls get past validation into Jira) and
 * invalid ones (wrong types, missing required fields, extra and
 * `__proto__` properties, huge and deeply nested values), all as JSON text.
 */
import fc from 'fast-check';
import {
  deepJsonText,
  hugeString,
  jsonKey,
  jsonText,
  nastyString,
  objectText,
} from './fuzz-arbitraries.js';

/** The subset of JSON Schema (2020-12) that zod emits for the tools' inputs. */
export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

/** Realistic values per property name, so valid-shaped calls reach the sandbox's data. */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 60, 60);
  if (schema.format === 'date-time') {
    return fc
      .date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('2999-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  }
  if (schema.pattern !== undefined) {
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Infinity));
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

/**
 * A value the schema accepts (by construction; patterns and bounds
 * respected), or a hint for the property.
 */
export function validValue(schema: JsonSchema, hints: Hints, name?: string): fc.Arbitrary<unknown> {
  const hint = name === undefined ? undefined : hints[name];
  const own = ((): fc.Arbitrary<unknown> => {
    if (schema.anyOf !== undefined)
      return fc.oneof(...schema.anyOf.map((s) => validValue(s, hints)));
    if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
        return fc.integer({
          min: Math.max(schema.minimum ?? -1_000_000, -1_000_000),
          max: Math.min(schema.maximum ?? 1_000_000, 1_000_000),
        });
      case 'number':
        return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array':
        return fc.array(validValue(schema.items ?? {}, hints), {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 5, 5),
        });
      case 'object': {
        const properties = schema.properties ?? {};
        const required = new Set(schema.required ?? []);
        return fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([key, sub]) => [key, validValue(sub, hints, key)]),
          ),
          { requiredKeys: Object.keys(properties).filter((key) => required.has(key)) },
        );
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  })();
  return hint === undefined
    ? own
    : fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: own });
}

/** A value of the wrong JSON type (as text) for a schema of `type`. */
function wrongTypeText(type: string | undefined): fc.Arbitrary<string> {
  const all: Record<string, fc.Arbitrary<string>> = {
    string: nastyString.map((s) => JSON.stringify(s)),
    integer: fc.constantFrom('1', '-1', '1.5', '1e400', '9007199254740993', '-0'),
    number: fc.constantFrom('NaN-as-string', '1e400').map((s) => JSON.stringify(s)),
    boolean: fc.constantFrom('true', 'false'),
    null: fc.constant('null'),
    array: fc.constantFrom('[]', '[null]', '[[[]]]', '["a",1,{}]'),
    object: fc.constantFrom(
      '{}',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{}}}',
    ),
  };
  const wrong = Object.entries(all)
    .filter(([name]) => name !== type && !(type === 'number' && name === 'integer'))
    .map(([, arb]) => arb);
  return fc.oneof(
    ...wrong,
    jsonText,
    deepJsonText.filter((t) => t.length < 200_000),
  );
}

/**
 * Arguments (JSON text) that break the schema in one or more ways: a
 * property of the wrong type, a required one missing, extra properties,
 * an oversized string, or not an object at all.
 */
export function invalidArgumentsText(schema: JsonSchema, hints: Hints): fc.Arbitrary<string> {
  const properties = Object.entries(schema.properties ?? {});
  const valid = validValue(schema, hints) as fc.Arbitrary<Record<string, unknown>>;
  const asEntries = (value: Record<string, unknown>): [string, string][] =>
    Object.entries(value).map(([k, v]) => [k, JSON.stringify(v)]);
  const mutations: fc.Arbitrary<string>[] = [
    // Extra properties, including keys that pollute prototypes.
    fc
      .tuple(valid, fc.array(fc.tuple(jsonKey, jsonText), { minLength: 1, maxLength: 4 }))
      .map(([value, extra]) => objectText([...asEntries(value), ...extra])),
    // Missing fields (the required ones among them).
    fc
      .tuple(valid, fc.nat())
      .map(([value, n]) =>
        objectText(asEntries(value).filter((_, i) => i !== n % Math.max(1, properties.length))),
      ),
    // Not an object.
    fc.constantFrom('null', '[]', '"DEMO-1"', '1', 'true', '[{}]'),
  ];
  if (properties.length > 0) {
    const property = fc.constantFrom(...properties);
    mutations.push(
      // One property of the wrong type.
      fc
        .tuple(valid, property)
        .chain(([value, [key, sub]]) =>
          wrongTypeText(sub.type).map((text) =>
            objectText([...asEntries(value).filter(([k]) => k !== key), [key, text]]),
          ),
        ),
      // One property far over its length limit, or hostile but in range.
      fc
        .tuple(valid, property, fc.oneof(hugeString, nastyString))
        .map(([value, [key], text]) =>
          objectText([...asEntries(value).filter(([k]) => k !== key), [key, JSON.stringify(text)]]),
        ),
    );
  }
  return fc.oneof(...mutations);
}
