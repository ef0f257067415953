import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('METRICS, METRICS_TOKEN, SHUTDOWN_TIMEOUT_SECONDS (issue 14: operations)', () => {
  it('defaults to no /metrics and a 10 second shutdown bound', () => {
    const config = loadConfig({});
    expect(config.metrics).toStrictEqual({ enabled: false });
    expect(config.shutdownTimeoutSeconds).toBe(10);
  });

  it('reads METRICS with its token, and the shutdown bound (0 allowed: cut at once)', () => {
    const config = loadConfig({
      METRICS: 'true',
      METRICS_TOKEN: 'a-long-enough-secret',
      SHUTDOWN_TIMEOUT_SECONDS: '0',
    });
    expect(config.metrics).toStrictEqual({ enabled: true, token: 'a-long-enough-secret' });
    expect(config.shutdownTimeoutSeconds).toBe(0);
  });

  it('refuses METRICS_TOKEN without METRICS=true, naming the setting', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'a-long-enough-secret' })).toThrow(
      /METRICS_TOKEN: only used with METRICS=true/,
    );
  });

  it.each([
    ['short', 'a'.repeat(15)],
    ['with a space', 'a long enough secret'],
  ])('refuses a METRICS_TOKEN that is %s, without echoing it', (_, token) => {
    let error: unknown;
    try {
      loadConfig({ METRICS: 'true', METRICS_TOKEN: token });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/METRICS_TOKEN: must be 16 to 512 visible ASCII/);
    expect((error as Error).message).not.toContain(token);
  });

  it.each(['-1', '1.5', '3601', 'ten'])('refuses SHUTDOWN_TIMEOUT_SECONDS=%s', (value) => {
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_SECONDS: value })).toThrow(
      /SHUTDOWN_TIMEOUT_SECONDS: /,
    );
  });
});
