import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('retention settings (PURGE_INTERVAL_SECONDS, UNUSED_CLIENT_TTL, AUDIT_RETENTION_DAYS)', () => {
  it('defaults to an hourly purge, 7 days for unused clients and 365 days of audit', () => {
    expect(loadConfig({})).toMatchObject({
      purgeIntervalSeconds: 3600,
      unusedClientTtlSeconds: 604800,
      auditRetentionDays: 365,
    });
  });

  it('takes 0 to turn each off', () => {
    expect(
      loadConfig({
        PURGE_INTERVAL_SECONDS: '0',
        UNUSED_CLIENT_TTL: '0',
        AUDIT_RETENTION_DAYS: '0',
      }),
    ).toMatchObject({ purgeIntervalSeconds: 0, unusedClientTtlSeconds: 0, auditRetentionDays: 0 });
  });

  it.each([
    ['AUDIT_RETENTION_DAYS', '-1'],
    ['AUDIT_RETENTION_DAYS', '1e3'],
    ['AUDIT_RETENTION_DAYS', '36501'],
    ['PURGE_INTERVAL_SECONDS', 'hourly'],
    ['UNUSED_CLIENT_TTL', '7d'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('personal access token settings (PERSONAL_ACCESS_TOKENS, PERSONAL_ACCESS_TOKEN_MAX_DAYS)', () => {
  it('defaults to off, with at most 90 days', () => {
    expect(loadConfig({}).personalAccessTokens).toEqual({ enabled: false, maxDays: 90 });
  });

  it('turns them on and takes 1 to 366 days', () => {
    expect(
      loadConfig({ PERSONAL_ACCESS_TOKENS: 'true', PERSONAL_ACCESS_TOKEN_MAX_DAYS: '366' })
        .personalAccessTokens,
    ).toEqual({ enabled: true, maxDays: 366 });
    expect(loadConfig({ PERSONAL_ACCESS_TOKEN_MAX_DAYS: '1' }).personalAccessTokens.maxDays).toBe(
      1,
    );
  });

  it.each([
    ['PERSONAL_ACCESS_TOKENS', 'maybe'],
    ['PERSONAL_ACCESS_TOKEN_MAX_DAYS', '0'],
    ['PERSONAL_ACCESS_TOKEN_MAX_DAYS', '367'],
    ['PERSONAL_ACCESS_TOKEN_MAX_DAYS', '30d'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});
