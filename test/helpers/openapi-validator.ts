/**
 * Validates JSON bodies against Atlassian's OpenAPI description of the Jira
 * Cloud REST API v3 (test/fixtures/jira-platform-rest-v3.openapi.json) and,
 * for paths under /rest/agile/, of the Jira Software Cloud REST API
 * (test/fixtures/software-cloud/jira-software-cloud.openapi.json), so
 * tests can prove that the sandbox answers, and the gateway's Jira client
 * sends, what real Jira defines.
 *
 * OpenAPI 3.0 schemas are not quite JSON Schema; the conversion here:
 * - `nullable: true` becomes a `null` alternative (type list, or `anyOf`);
 * - `$ref: '#/components/schemas/X'` resolves inside the description;
 * - annotations ajv does not know (`example`, `xml`, `discriminator`, `x-…`) are dropped;
 * - OpenAPI formats are registered: `int32`/`int64`/`double` check ranges,
 *   `url` is any absolute URL (ajv-formats' `url` rejects loopback hosts,
 *   which the spec does not intend, and tests run on 127.0.0.1).
 * Schemas compile on first use and are cached.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export interface ValidationResult {
  valid: boolean;
  /** One line per problem: `<json pointer> <message>`; empty when valid. */
  errors: string[];
}

type JsonObject = Record<string, unknown>;

/** Which description: the platform API, or Jira Software's agile API. */
export type SpecName = 'platform' | 'software';
const SPECS: Readonly<Record<SpecName, { id: string; url: URL }>> = {
  platform: {
    id: 'jira-platform-rest-v3',
    url: new URL('../fixtures/jira-platform-rest-v3.openapi.json', import.meta.url),
  },
  software: {
    id: 'jira-software-cloud',
    url: new URL('../fixtures/software-cloud/jira-software-cloud.openapi.json', import.meta.url),
  },
};

/** The description a path belongs to. */
function specOf(path: string): SpecName {
  return path.startsWith('/rest/agile/') ? 'software' : 'platform';
}
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const DROPPED_KEYWORDS = new Set([
  'nullable',
  'example',
  'examples',
  'xml',
  'discriminator',
  'externalDocs',
  'deprecated',
]);

let state:
  | { specs: Record<SpecName, JsonObject>; ajv: Ajv; cache: Map<string, ValidateFunction> }
  | undefined;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** OpenAPI 3.0 schema → JSON Schema (draft-07 as ajv reads it). */
function toJsonSchema(node: unknown, specId: string): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, specId));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.startsWith('#/') ? `${specId}${value}` : value;
    } else if ((key === 'properties' || key === 'patternProperties') && isObject(value)) {
      // Keys here are property names, not keywords: a property may be called "example".
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema, specId)]),
      );
    } else {
      out[key] = toJsonSchema(value, specId);
    }
  }
  if (node['nullable'] !== true) return out;
  if (typeof out['type'] === 'string') {
    const enumValues = out['enum'];
    return {
      ...out,
      type: [out['type'], 'null'],
      ...(Array.isArray(enumValues) ? { enum: [...(enumValues as unknown[]), null] } : {}),
    };
  }
  return { anyOf: [out, { type: 'null' }] };
}

function load(): NonNullable<typeof state> {
  if (state !== undefined) return state;
  const read = (name: SpecName): JsonObject =>
    JSON.parse(readFileSync(SPECS[name].url, 'utf8')) as JsonObject;
  const specs: Record<SpecName, JsonObject> = {
    platform: read('platform'),
    software: read('software'),
  };
  // ownProperties: a body without `toString` (ChangeDetails has such a property)
  // must not be read as having Object.prototype.toString.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: true,
    ownProperties: true,
  });
  const addFormats = addFormatsModule as unknown as (instance: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('url', { type: 'string', validate: (s: string) => URL.canParse(s) });
  for (const name of ['platform', 'software'] as const) {
    const spec = specs[name];
    const { id } = SPECS[name];
    const components = isObject(spec['components']) ? spec['components'] : {};
    ajv.addSchema({ $id: id, components: { schemas: toJsonSchema(components['schemas'], id) } });
  }
  state = { specs, ajv, cache: new Map() };
  return state;
}

function compile(name: SpecName, cacheKey: string, schema: unknown): ValidateFunction {
  const { ajv, cache } = load();
  const key = `${name} ${cacheKey}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const converted = toJsonSchema(schema, SPECS[name].id);
  const validate = ajv.compile(isObject(converted) ? converted : {});
  cache.set(key, validate);
  return validate;
}

function run(validate: ValidateFunction, value: unknown): ValidationResult {
  if (validate(value)) return { valid: true, errors: [] };
  return { valid: false, errors: (validate.errors ?? []).map(describe) };
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}

function failure(message: string): ValidationResult {
  return { valid: false, errors: [message] };
}

/**
 * The description's path template for `path`: itself if it is a template,
 * else the template whose segments match, preferring literal segments.
 * A query string is ignored.
 */
export function matchPathTemplate(path: string): string | undefined {
  const spec = load().specs[specOf(path)];
  const paths = isObject(spec['paths']) ? spec['paths'] : {};
  const bare = path.split('?')[0] ?? path;
  if (bare in paths) return bare;
  const segments = bare.split('/');
  let best: { template: string; literals: number } | undefined;
  for (const template of Object.keys(paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    const matches = parts.every((part, i) => {
      if (/^\{[^}]+\}$/.test(part)) return (segments[i] ?? '') !== '';
      literals += 1;
      return part === segments[i];
    });
    if (matches && (best === undefined || literals > best.literals)) best = { template, literals };
  }
  return best?.template;
}

function operation(
  method: string,
  pathTemplate: string,
): { op: JsonObject; template: string; spec: SpecName } | string {
  const name = specOf(pathTemplate);
  const spec = load().specs[name];
  const lower = method.toLowerCase();
  if (!METHODS.has(lower)) return `unknown HTTP method ${method}`;
  const template = matchPathTemplate(pathTemplate);
  const paths = isObject(spec['paths']) ? spec['paths'] : {};
  const item = template === undefined ? undefined : paths[template];
  const op = isObject(item) ? item[lower] : undefined;
  if (template === undefined || !isObject(op)) {
    return `${method.toUpperCase()} ${pathTemplate} is not in the OpenAPI description`;
  }
  return { op, template, spec: name };
}

function jsonSchemaOf(holder: unknown): unknown {
  if (!isObject(holder) || !isObject(holder['content'])) return undefined;
  const content = holder['content'];
  const media = content['application/json'] ?? Object.values(content)[0];
  return isObject(media) ? media['schema'] : undefined;
}

/**
 * Validates a response body against the schema the description gives for
 * this operation and status (exact status, then `4XX`-style, then
 * `default`). An undocumented status is an error; a documented status
 * without a JSON schema (e.g. most 401s) accepts any body.
 * @see OpenAPI 3.0.1 §4.7.16 (Responses Object)
 */
export function validateResponse(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): ValidationResult {
  const found = operation(method, pathTemplate);
  if (typeof found === 'string') return failure(found);
  const responses = isObject(found.op['responses']) ? found.op['responses'] : {};
  const key = [String(status), `${String(status).charAt(0)}XX`, 'default'].find(
    (k) => k in responses,
  );
  if (key === undefined) {
    return failure(
      `status ${status} is not documented for ${method.toUpperCase()} ${found.template}`,
    );
  }
  const schema = jsonSchemaOf(responses[key]);
  if (schema === undefined) return { valid: true, errors: [] };
  return run(
    compile(found.spec, `res ${method.toLowerCase()} ${found.template} ${key}`, schema),
    body,
  );
}

/**
 * Validates a request body against the operation's JSON request schema.
 * An operation without a request body is an error.
 * @see OpenAPI 3.0.1 §4.7.13 (Request Body Object)
 */
export function validateRequestBody(
  method: string,
  pathTemplate: string,
  body: unknown,
): ValidationResult {
  const found = operation(method, pathTemplate);
  if (typeof found === 'string') return failure(found);
  const schema = jsonSchemaOf(found.op['requestBody']);
  if (schema === undefined) {
    return failure(`${method.toUpperCase()} ${found.template} takes no JSON request body`);
  }
  return run(compile(found.spec, `req ${method.toLowerCase()} ${found.template}`, schema), body);
}

/**
 * Validates a value against one component schema, e.g. `StatusDetails` for
 * an issue's `fields.status` (IssueBean leaves `fields` untyped), of the
 * platform description unless `spec` says `software` (e.g. `SprintBean`).
 */
export function validateSchema(
  componentName: string,
  value: unknown,
  specName: SpecName = 'platform',
): ValidationResult {
  const spec = load().specs[specName];
  const components = isObject(spec['components']) ? spec['components'] : {};
  const schemas = isObject(components['schemas']) ? components['schemas'] : {};
  if (!(componentName in schemas)) return failure(`no component schema named ${componentName}`);
  return run(
    compile(specName, `schema ${componentName}`, {
      $ref: `#/components/schemas/${componentName}`,
    }),
    value,
  );
}
