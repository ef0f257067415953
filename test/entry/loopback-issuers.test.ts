import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { hostOf, issuerConfigs, selectByHost } from '../../src/entry/loopback-issuers.js';

describe('issuerConfigs (RFC 8414 §2 issuer, RFC 9728 §3.3 resource per spelling)', () => {
  it('gives each loopback spelling its own issuer and resource when PUBLIC_URL is unset', () => {
    const configs = issuerConfigs(loadConfig({ PORT: '9000' }));
    expect(configs.map(({ host, config }) => [host, config.publicUrl, config.resource])).toEqual([
      ['localhost:9000', 'http://localhost:9000', 'http://localhost:9000/mcp'],
      ['127.0.0.1:9000', 'http://127.0.0.1:9000', 'http://127.0.0.1:9000/mcp'],
      ['[::1]:9000', 'http://[::1]:9000', 'http://[::1]:9000/mcp'],
    ]);
    for (const { config } of configs.slice(1)) {
      expect(Object.isFrozen(config)).toBe(true);
      // An alias is an issuer of its own, never a source of further aliases.
      expect(config).not.toHaveProperty('loopbackAliases');
      expect(config.port).toBe(9000);
    }
  });

  it('keeps one issuer when PUBLIC_URL is set', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://gw.example.com/base' });
    expect(issuerConfigs(config)).toEqual([{ host: 'gw.example.com', config }]);
  });

  it('names hosts as a Host header does, default ports elided', () => {
    expect(hostOf('http://localhost:80')).toBe('localhost');
    expect(hostOf('https://[::1]:443')).toBe('[::1]');
    expect(hostOf('https://[::1]:8443')).toBe('[::1]:8443');
  });
});

describe('selectByHost', () => {
  const entries = [
    { host: 'localhost:8080', value: 'localhost' },
    { host: '127.0.0.1:8080', value: 'ipv4' },
    { host: '[::1]:8080', value: 'ipv6' },
  ];

  it('picks the issuer of exactly the loopback authority the request named', () => {
    expect(selectByHost(entries, 'localhost:8080')).toBe('localhost');
    expect(selectByHost(entries, '127.0.0.1:8080')).toBe('ipv4');
    expect(selectByHost(entries, '[::1]:8080')).toBe('ipv6');
  });

  it.each([
    null,
    '',
    'evil.example:8080',
    '127.0.0.1',
    '127.0.0.1:8081',
    '127.0.0.2:8080',
    '0x7f.1:8080',
    'LOCALHOST:8080',
    'localhost.:8080',
    '127.0.0.1:8080.evil.example',
    '[::ffff:127.0.0.1]:8080',
  ])('gives any other Host (%s) the configured issuer', (host) => {
    expect(selectByHost(entries, host)).toBe('localhost');
  });
});
