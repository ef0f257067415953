/**
 * What the Lambda bundles are made of: each function is bundled with the
 * CDK app's own esbuild options, and esbuild's metafile lists every module
 * it read. None of the local-only parts may be among them: SQLite, the Jira
 * sandbox, the local master key, the Node HTTP server.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  esbuildOptions,
  LAMBDA_ENTRIES,
  NATIVE_MODULES,
  REPO_ROOT,
} from '../../infra/lambda-bundling.js';
import type { HttpApiHandler } from '../../src/entry/lambda.js';
import { createTable } from '../../src/storage/dynamodb/create-table.js';
import { startLocalDynamoDb } from '../storage/dynamodb/local-dynamodb.js';
import { httpApiEvent, resultHeader } from './helpers/http-api-event.js';
import { KEY_ARN, PUBLIC_URL } from './helpers/lambda-bed.js';

/** Modules that exist for the local process only. */
const FORBIDDEN: readonly RegExp[] = [
  /(^|\/)node_modules\/better-sqlite3\//,
  /^src\/storage\/sqlite\//,
  /^src\/sandbox\//,
  /^src\/crypto\/master-key\.ts$/,
  /^src\/entry\/(runtime|serve|jira-setup)\.ts$/,
  /(^|\/)node_modules\/@hono\/node-server\//,
];

/** Builds `entry` with the functions' esbuild options, in memory. */
async function metafileOf(entry: string): Promise<Metafile> {
  const result = await build({
    ...esbuildOptions('oauth', 'bundle.mjs'),
    entryPoints: [entry],
    absWorkingDir: REPO_ROOT,
    write: false,
    logLevel: 'silent',
  });
  if (result.metafile === undefined) throw new Error('esbuild returned no metafile');
  return result.metafile;
}

function forbiddenInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((input) => FORBIDDEN.some((re) => re.test(input)));
}

/**
 * The inputs evaluated when the bundle is imported: those reachable from
 * `entry` by static imports and requires. A module reached only through a
 * dynamic `import()` is bundled behind a lazy initializer (esbuild, no
 * splitting) and evaluated on the first call that imports it.
 */
function eagerInputs(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const edge of metafile.inputs[next]?.imports ?? []) {
      if (edge.kind === 'dynamic-import' || edge.external === true || seen.has(edge.path)) continue;
      seen.add(edge.path);
      queue.push(edge.path);
    }
  }
  return seen;
}

/** Imports left for Node to resolve at run time, other than its built-ins. */
function externalPackages(metafile: Metafile): string[] {
  const builtins = new Set(builtinModules);
  const imports = Object.values(metafile.outputs).flatMap((o) => o.imports);
  return [
    ...new Set(
      imports
        .filter((i) => i.external === true)
        .map((i) => i.path)
        .filter((p) => !p.startsWith('node:') && !builtins.has(p)),
    ),
  ].sort();
}

describe('Lambda bundles (esbuild metafile inputs)', () => {
  it.each(['oauth', 'mcp'] as const)(
    'bundles the %s function without SQLite, the sandbox, the local master key or the Node server',
    async (fn) => {
      const metafile = await metafileOf(LAMBDA_ENTRIES[fn]);
      const inputs = Object.keys(metafile.inputs);
      expect(inputs).toContain(`src/entry/lambda-${fn}.ts`);
      expect(inputs).toContain('src/storage/dynamodb/create-dynamodb-storage.ts');
      expect(forbiddenInputs(metafile)).toEqual([]);
      // Only the native module is left for node_modules, installed for the function's CPU.
      expect(externalPackages(metafile)).toEqual([...NATIVE_MODULES].sort());
    },
  );

  it('keeps the MCP server and SDK out of the OAuth bundle', async () => {
    const inputs = Object.keys((await metafileOf(LAMBDA_ENTRIES.oauth)).inputs);
    // The Jira client is in it since per-person Jira: the link pages exchange
    // codes with Atlassian and check a person's token against /myself.
    expect(
      inputs.filter((i) => i.startsWith('src/mcp/') || i.includes('@modelcontextprotocol/')),
    ).toEqual([]);
  });

  it.each(['oauth', 'mcp'] as const)(
    'loads the Encryption SDK in the %s function only through the lazy KMS cipher (not at cold start)',
    async (fn) => {
      const metafile = await metafileOf(LAMBDA_ENTRIES[fn]);
      const eager = eagerInputs(metafile, `src/entry/lambda-${fn}.ts`);
      const esdk = (inputs: Iterable<string>): string[] =>
        [...inputs].filter((i) => i.includes('node_modules/@aws-crypto/'));
      // Present (the cipher can decrypt the stored secrets), but evaluated on first use only.
      expect(esdk(Object.keys(metafile.inputs)).length).toBeGreaterThan(0);
      expect(Object.keys(metafile.inputs)).toContain('src/crypto/kms-cipher.ts');
      expect(esdk(eager)).toEqual([]);
      expect(eager.has('src/crypto/kms-cipher.ts')).toBe(false);
      expect(metafile.inputs['src/entry/lambda-cipher.ts']?.imports).toContainEqual(
        expect.objectContaining({ path: 'src/crypto/kms-cipher.ts', kind: 'dynamic-import' }),
      );
    },
  );

  it('finds the Encryption SDK among the eager inputs of a module that imports it statically, so the check above can fail', async () => {
    const entry = path.join(REPO_ROOT, 'src/crypto/kms-cipher.ts');
    const eager = eagerInputs(await metafileOf(entry), 'src/crypto/kms-cipher.ts');
    expect([...eager].some((i) => i.includes('node_modules/@aws-crypto/'))).toBe(true);
  });

  it('finds the local-only modules in the local runtime, so the check above can fail', async () => {
    const found = forbiddenInputs(await metafileOf(path.join(REPO_ROOT, 'src/entry/runtime.ts')));
    expect(found).toContain('src/storage/sqlite/open-sqlite-storage.ts');
    expect(found).toContain('src/crypto/master-key.ts');
    expect(found.some((i) => i.includes('node_modules/better-sqlite3/'))).toBe(true);
  });
});

describe('Lambda bundles (the built files, run)', () => {
  // Inside the repository, so the external native module resolves from its node_modules.
  const dir = path.join(REPO_ROOT, 'node_modules/.cache/lambda-bundle-test', String(process.pid));
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });

  async function bundle(fn: 'oauth' | 'mcp'): Promise<HttpApiHandler> {
    mkdirSync(path.join(dir, fn), { recursive: true });
    const outfile = path.join(dir, fn, 'index.mjs');
    await build({ ...esbuildOptions(fn, outfile), absWorkingDir: REPO_ROOT, logLevel: 'silent' });
    const module = (await import(pathToFileURL(outfile).href)) as { handler: HttpApiHandler };
    return module.handler;
  }

  it('serves requests from the ESM bundles against DynamoDB, with the bundled AWS SDK', async () => {
    const local = await startLocalDynamoDb();
    try {
      const tableName = local.freshTableName();
      const admin = local.newClient();
      await createTable(admin, tableName);
      admin.destroy();
      // What the function's configuration and its role's credentials provide.
      for (const [name, value] of Object.entries({
        STORAGE: 'dynamodb',
        DYNAMODB_TABLE: tableName,
        DYNAMODB_ENDPOINT: local.endpoint,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        PUBLIC_URL,
        KMS_KEY_ID: KEY_ARN,
        LOG_LEVEL: 'silent',
      })) {
        vi.stubEnv(name, value);
      }
      const [oauth, mcp] = await Promise.all([bundle('oauth'), bundle('mcp')]);
      const registered = await oauth(
        httpApiEvent({
          method: 'POST',
          url: '/register',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            redirect_uris: ['http://127.0.0.1:5000/cb'],
            token_endpoint_auth_method: 'none',
          }),
        }),
      );
      expect(registered.statusCode).toBe(201);
      const refused = await mcp(
        httpApiEvent({
          method: 'POST',
          url: '/mcp',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: 'Bearer not-a-token',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        }),
      );
      expect(refused.statusCode).toBe(401);
      expect(resultHeader(refused, 'www-authenticate')).toContain('error="invalid_token"');
    } finally {
      await local.close();
    }
  });
});
