import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { describeDatabaseUrl } from '../../src/storage/postgres/database-url.js';

const URL_WITH_SECRET = 'postgres://gw:s3cret-pw@db.internal:5432/gateway?sslmode=verify-full';
/** Replicas share one key (32 bytes, base64). */
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** Message of the ConfigError `loadConfig(env)` throws. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('PostgreSQL settings (STORAGE=postgres, DATABASE_URL, DATABASE_POOL_SIZE)', () => {
  it('takes the URL as given, TLS options included, with a pool of 10 by default', () => {
    const config = loadConfig({ STORAGE: 'postgres', DATABASE_URL: URL_WITH_SECRET, MASTER_KEY });
    expect(config.storage).toBe('postgres');
    expect(config.postgres).toStrictEqual({ url: URL_WITH_SECRET, poolSize: 10 });
    expect(config.dynamoDb).toBeUndefined();
  });

  it('takes a pool size and a postgresql:// URL with a CA file', () => {
    const url = 'postgresql://gw@db/gateway?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem';
    expect(
      loadConfig({ STORAGE: 'postgres', DATABASE_URL: url, DATABASE_POOL_SIZE: '25', MASTER_KEY })
        .postgres,
    ).toStrictEqual({ url, poolSize: 25 });
  });

  it('lets ROLE=mcp check tokens in-process on the shared database (no introspection credential)', () => {
    expect(
      loadConfig({ STORAGE: 'postgres', DATABASE_URL: URL_WITH_SECRET, ROLE: 'mcp', MASTER_KEY })
        .introspection,
    ).toBeUndefined();
  });

  it('requires DATABASE_URL with STORAGE=postgres', () => {
    expect(refusal({ STORAGE: 'postgres' })).toBe(
      'Invalid configuration:\n  DATABASE_URL: required with STORAGE=postgres',
    );
  });

  it('requires a shared key (MASTER_KEY or KMS_KEY_ID) with STORAGE=postgres', () => {
    expect(refusal({ STORAGE: 'postgres', DATABASE_URL: URL_WITH_SECRET })).toBe(
      'Invalid configuration:\n  MASTER_KEY: required with STORAGE=postgres (or KMS_KEY_ID): every replica must encrypt and decrypt stored secrets with the same key',
    );
    expect(
      loadConfig({
        STORAGE: 'postgres',
        DATABASE_URL: URL_WITH_SECRET,
        KMS_KEY_ID: 'arn:aws:kms:eu-west-1:123456789012:key/abc-123',
      }).kmsKeyId,
    ).toBe('arn:aws:kms:eu-west-1:123456789012:key/abc-123');
  });

  it('refuses DATABASE_URL or DATABASE_POOL_SIZE without STORAGE=postgres', () => {
    const expected =
      'Invalid configuration:\n  DATABASE_URL, DATABASE_POOL_SIZE: only used with STORAGE=postgres';
    expect(refusal({ DATABASE_URL: URL_WITH_SECRET })).toBe(expected);
    expect(refusal({ DATABASE_POOL_SIZE: '5' })).toBe(expected);
  });

  it.each([
    ['DATABASE_URL', 'mysql://db/gateway', 'must be a postgres:// or postgresql:// URL'],
    ['DATABASE_URL', 'db.internal:5432', 'must be a postgres:// or postgresql:// URL'],
    ['DATABASE_URL', 'postgres://db/gateway?sslmode=on', 'sslmode must be one of'],
    ['DATABASE_POOL_SIZE', '0', 'DATABASE_POOL_SIZE'],
    ['DATABASE_POOL_SIZE', '1001', 'must be at most 1000'],
  ])('refuses %s=%s', (name, value, message) => {
    const base = { STORAGE: 'postgres', DATABASE_URL: 'postgres://db/gateway', MASTER_KEY };
    expect(refusal({ ...base, [name]: value })).toContain(message);
  });

  it('never repeats the password of a refused URL', () => {
    const message = refusal({
      STORAGE: 'postgres',
      DATABASE_URL: 'postgres://gw:s3cret-pw@db/gateway?sslmode=bogus',
      MASTER_KEY,
    });
    expect(message).not.toContain('s3cret-pw');
  });

  it('describes the database for the banner without user or password', () => {
    expect(describeDatabaseUrl(URL_WITH_SECRET)).toBe(
      'PostgreSQL db.internal:5432/gateway (sslmode=verify-full)',
    );
    expect(describeDatabaseUrl('postgres://gw:pw@127.0.0.1:6543/g%20w')).toBe(
      'PostgreSQL 127.0.0.1:6543/g w',
    );
  });
});
