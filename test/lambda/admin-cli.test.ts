/**
 * The administrator's side of the AWS deployment: the same CLI, pointed at
 * the deployment's DynamoDB table with STORAGE=dynamodb (and KMS_KEY_ID),
 * creates users and reads the audit trail the functions write. Here the
 * table is dynalite on 127.0.0.1, so the AWS SDK gets dummy credentials.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { runCli, type CliIo } from '../../src/entry/cli.js';
import { openLocalRuntime } from '../../src/entry/runtime.js';
import { createDynamoDbStorage } from '../../src/storage/dynamodb/create-dynamodb-storage.js';
import { createTable } from '../../src/storage/dynamodb/create-table.js';
import type { Storage } from '../../src/storage/ports.js';
import { startLocalDynamoDb, type LocalDynamoDb } from '../storage/dynamodb/local-dynamodb.js';
import { KEY_ARN } from './helpers/lambda-bed.js';

describe('CLI with STORAGE=dynamodb (docs/deploy-aws.md)', () => {
  let local: LocalDynamoDb;
  let storage: Storage;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    local = await startLocalDynamoDb();
    const tableName = local.freshTableName();
    const admin = local.newClient();
    await createTable(admin, tableName);
    admin.destroy();
    storage = createDynamoDbStorage({ tableName, client: local.newClient() });
    dir = mkdtempSync(path.join(tmpdir(), 'jmg-admin-'));
    env = {
      STORAGE: 'dynamodb',
      DYNAMODB_TABLE: tableName,
      DYNAMODB_ENDPOINT: local.endpoint,
      AWS_REGION: 'eu-west-1',
      DATA_DIR: dir,
    };
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  afterAll(async () => {
    await storage.close();
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function cli(
    argv: string[],
    stdin = '',
  ): Promise<{ code: number; out: string; err: string }> {
    // The SDK's default credential chain reads the process environment.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    let out = '';
    let err = '';
    const io: CliIo = {
      env,
      stdout: (text) => (out += text),
      stderr: (text) => (err += text),
      readStdin: () => Promise.resolve(stdin),
    };
    return { code: await runCli(argv, io), out, err };
  }

  it('creates a user in the table, opening no SQLite file', async () => {
    const added = await cli(
      ['user', 'add', 'carol', '--password-stdin'],
      'a long enough password\n',
    );
    expect(added.code).toBe(0);
    const user = await storage.users.getByUsername('carol');
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(existsSync(path.join(dir, 'gateway.db'))).toBe(false);
  });

  it('reads the audit trail back from the table', async () => {
    const tail = await cli(['audit', 'tail', '--json']);
    expect(tail.code).toBe(0);
    const events = tail.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; outcome: string });
    expect(events.at(-1)).toMatchObject({ type: 'user.created', outcome: 'success' });
  });

  it('encrypts with the KMS key of KMS_KEY_ID and never creates a local master key', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'jmg-admin-kms-'));
    try {
      const runtime = await openLocalRuntime(
        loadConfig({ ...env, DATA_DIR: fresh, KMS_KEY_ID: KEY_ARN }),
      );
      expect(runtime.masterKeySource).toBe('kms');
      await runtime.close();
      expect(existsSync(path.join(fresh, 'master.key'))).toBe(false);
      expect(existsSync(path.join(fresh, 'gateway.db'))).toBe(false);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('refuses STORAGE=dynamodb without DYNAMODB_TABLE, naming the setting', () => {
    const { DYNAMODB_TABLE: _table, ...rest } = env;
    expect(() => loadConfig(rest)).toThrow('DYNAMODB_TABLE: required with STORAGE=dynamodb');
    expect(() => loadConfig({ DYNAMODB_TABLE: 'gateway' })).toThrow(
      'DYNAMODB_TABLE, DYNAMODB_ENDPOINT: only used with STORAGE=dynamodb',
    );
    expect(() => loadConfig({ ...env, KMS_KEY_ID: 'alias/jira' })).toThrow(
      'KMS_KEY_ID: must be a KMS key ARN',
    );
  });
});
