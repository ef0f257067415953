/**
 * TRUST_PROXY: which X-Forwarded-For entry is the client, and the
 * registration limit that keys on it (per IPv4 address, per IPv6 /64).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forwardedClientIp } from '../../src/http/forwarded-for.js';
import { createTestGateway, TEST_ISSUER, type TestGateway } from '../helpers/gateway.js';
import { LOOPBACK_REDIRECT } from '../helpers/oauth-client.js';

/** The fixed peer address of the test gateway (see test/helpers/gateway.ts). */
const PEER = '203.0.113.7';

describe('forwardedClientIp (RFC 7239 §5.2: only entries added by trusted proxies count)', () => {
  it('ignores the header with no trusted proxy', () => {
    expect(forwardedClientIp('198.51.100.9', 0)).toBeUndefined();
  });

  it('takes the right-most entry with one proxy, whatever the client wrote to its left', () => {
    expect(forwardedClientIp('6.6.6.6, 198.51.100.9', 1)).toBe('198.51.100.9');
    expect(forwardedClientIp('198.51.100.9', 1)).toBe('198.51.100.9');
    expect(forwardedClientIp('1.1.1.1,2.2.2.2,  198.51.100.9  ', 1)).toBe('198.51.100.9');
  });

  it('takes the second entry from the right with two proxies', () => {
    expect(forwardedClientIp('6.6.6.6, 198.51.100.9, 10.0.0.2', 2)).toBe('198.51.100.9');
    expect(forwardedClientIp('198.51.100.9, 10.0.0.2', 2)).toBe('198.51.100.9');
  });

  it('answers undefined when there are fewer entries than proxies', () => {
    expect(forwardedClientIp('10.0.0.2', 2)).toBeUndefined();
    expect(forwardedClientIp(undefined, 1)).toBeUndefined();
  });

  it.each([
    ['a name', '1.2.3.4, proxy.internal'],
    ['an empty entry', '1.2.3.4, '],
    ['an empty header', ''],
    ['an obfuscated identifier', '1.2.3.4, _hidden'],
    ['an out-of-range address', '1.2.3.4, 256.1.1.1'],
    ['an address with a zone', '1.2.3.4, fe80::1%eth0'],
    ['two addresses in one entry', '1.2.3.4, 198.51.100.9 198.51.100.10'],
  ])('answers undefined when the chosen entry is %s, never another entry', (_why, header) => {
    expect(forwardedClientIp(header, 1)).toBeUndefined();
  });

  it('reads IPv6 (lower-cased), and addresses with a port as some proxies write them', () => {
    expect(forwardedClientIp('2001:DB8::1', 1)).toBe('2001:db8::1');
    expect(forwardedClientIp('[2001:db8::1]:4711', 1)).toBe('2001:db8::1');
    expect(forwardedClientIp('198.51.100.9:4711', 1)).toBe('198.51.100.9');
  });

  it('reads only the right end of a huge header', () => {
    const spoofed = `${'6.6.6.6, '.repeat(100_000)}198.51.100.9`;
    expect(forwardedClientIp(spoofed, 1)).toBe('198.51.100.9');
    expect(forwardedClientIp(spoofed, 2)).toBe('6.6.6.6');
  });
});

describe('POST /register behind TRUST_PROXY (RFC 7591 §3; the limit per address)', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  async function register(forwardedFor?: string): Promise<Response> {
    if (gw === undefined) throw new Error('no gateway');
    return gw.fetch(`${TEST_ISSUER}/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
      },
      body: JSON.stringify({
        redirect_uris: [LOOPBACK_REDIRECT],
        token_endpoint_auth_method: 'none',
      }),
    });
  }

  /** The address the audit trail recorded for the newest registration. */
  async function lastRegisteredIp(): Promise<string | undefined> {
    const events = (await gw?.audit.tail(50)) ?? [];
    return events.filter((e) => e.type === 'client.registered').at(-1)?.ip;
  }

  async function expectLimited(response: Response): Promise<void> {
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
  }

  it('ignores spoofed left-most entries: they neither name the client nor escape the limit', async () => {
    gw = await createTestGateway({ TRUST_PROXY: 'true', REGISTRATION_RATE_LIMIT: '2' });
    expect((await register('6.6.6.1, 198.51.100.9')).status).toBe(201);
    expect(await lastRegisteredIp()).toBe('198.51.100.9');
    expect((await register('6.6.6.2, 198.51.100.9')).status).toBe(201);
    await expectLimited(await register('6.6.6.3, 198.51.100.9'));
    expect((await register('198.51.100.10')).status).toBe(201);
  });

  it('takes the client from the entry the outer of two proxies added (TRUST_PROXY=2)', async () => {
    gw = await createTestGateway({ TRUST_PROXY: '2' });
    expect((await register('6.6.6.6, 198.51.100.9, 10.0.0.2')).status).toBe(201);
    expect(await lastRegisteredIp()).toBe('198.51.100.9');
  });

  it('falls back to the peer address when the trusted entry is malformed or missing', async () => {
    gw = await createTestGateway({ TRUST_PROXY: '2' });
    expect((await register('198.51.100.9, garbage, 10.0.0.2')).status).toBe(201);
    expect(await lastRegisteredIp()).toBe(PEER);
    expect((await register('10.0.0.2')).status).toBe(201);
    expect(await lastRegisteredIp()).toBe(PEER);
  });

  it('ignores X-Forwarded-For by default (TRUST_PROXY=false)', async () => {
    gw = await createTestGateway({});
    expect((await register('198.51.100.9')).status).toBe(201);
    expect(await lastRegisteredIp()).toBe(PEER);
  });

  it('counts registrations per IPv6 /64: addresses of one /64 share one bucket', async () => {
    gw = await createTestGateway({ TRUST_PROXY: '1', REGISTRATION_RATE_LIMIT: '2' });
    expect((await register('2001:db8:1:2::a')).status).toBe(201);
    expect((await register('2001:db8:1:2:ffff:ffff:ffff:ffff')).status).toBe(201);
    await expectLimited(await register('2001:DB8:1:2::1234'));
    expect((await register('2001:db8:1:3::a')).status).toBe(201);
  });

  it('holds under concurrency: of 12 parallel registrations from one /64, exactly the limit succeed', async () => {
    gw = await createTestGateway({ TRUST_PROXY: '1', REGISTRATION_RATE_LIMIT: '5' });
    const statuses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => register(`2001:db8:7:7::${(i + 1).toString(16)}`)),
    ).then((responses) => responses.map((r) => r.status));
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    gw = await createTestGateway({ TRUST_PROXY: '1', REGISTRATION_RATE_LIMIT: '1' });
    expect((await register('198.51.100.9')).status).toBe(201);
    await expectLimited(await register('::ffff:198.51.100.9'));
  });

  it('opens a new window at the next clock hour, with Retry-After counting down to it', async () => {
    gw = await createTestGateway({ TRUST_PROXY: '1', REGISTRATION_RATE_LIMIT: '1' });
    const hour = 3_600_000;
    gw.clock.advance(hour - (gw.clock.now() % hour) - 10_000);
    expect((await register('198.51.100.9')).status).toBe(201);
    const limited = await register('198.51.100.9');
    expect(limited.headers.get('retry-after')).toBe('10');
    await expectLimited(limited);
    gw.clock.advance(10_000);
    expect((await register('198.51.100.9')).status).toBe(201);
  });
});
