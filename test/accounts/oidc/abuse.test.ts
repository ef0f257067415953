/**
 * What an anonymous sender can make the OpenID Connect sign-in store or
 * write for free, and what an unverified e-mail claim can obtain: the
 * gateway in-process against the scripted provider over real HTTP on
 * 127.0.0.1, on a real SQLite file.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AUDIT_EVENT } from '../../../src/audit/audit-events.js';
import { MAX_OIDC_STARTS_PER_ADDRESS } from '../../../src/http/oidc-routes.js';
import { PageAgent } from '../../helpers/browser.js';
import { TEST_ISSUER, type TestGateway } from '../../helpers/gateway.js';
import { signInLink, useScriptedOidc } from './oidc-fixture.js';

const oidc = useScriptedOidc();

function gateway(env: Record<string, string> = {}): Promise<TestGateway> {
  // Lets each test choose its sender's address with X-Forwarded-For.
  return oidc.gateway({ TRUST_PROXY: '1', ...env });
}

/** The "Sign in with Acme SSO" link of a valid authorization request (a path with query). */
async function startLink(g: TestGateway): Promise<string> {
  return (await signInLink(g)).link;
}

function from(g: TestGateway, ip: string, path: string): Promise<Response> {
  return g.fetch(new URL(path, TEST_ISSUER).href, {
    headers: { 'x-forwarded-for': ip },
    redirect: 'manual',
  });
}

function storedLogins(g: TestGateway): number {
  const db = new Database(g.databasePath, { readonly: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS n FROM oidc_logins').get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

async function loginFailedRows(g: TestGateway): Promise<number> {
  const events = await g.storage.audit.tail(1000);
  return events.filter((e) => e.type === AUDIT_EVENT.loginFailed).length;
}

/** Signs in at the scripted provider from one browser; the callback's answer. */
async function signIn(g: TestGateway, link?: string): Promise<Response> {
  const agent = new PageAgent(g.fetch, TEST_ISSUER);
  const start = await agent.get(new URL(link ?? (await startLink(g)), TEST_ISSUER).href);
  expect(start.status).toBe(303);
  const atProvider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
  expect(atProvider.status).toBe(303);
  return agent.get(atProvider.headers.get('location') ?? '');
}

describe('OpenID Connect sign-in: what an anonymous sender can make it store or write', () => {
  it('stores exactly the limit of concurrent starts from one address and answers the rest 429 with Retry-After', async () => {
    const g = await gateway();
    const link = await startLink(g);
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => from(g, '198.51.100.9', link)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 303)).toHaveLength(MAX_OIDC_STARTS_PER_ADDRESS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - MAX_OIDC_STARTS_PER_ADDRESS);
    expect(storedLogins(g)).toBe(MAX_OIDC_STARTS_PER_ADDRESS);
    const refused = responses.find((r) => r.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('600');
    expect(refused?.headers.get('cache-control')).toBe('no-store');
    expect(await refused?.text()).toContain('<h1>Too many sign-ins</h1>');
    // Another address is not affected; the window ends on time.
    expect((await from(g, '198.51.100.10', link)).status).toBe(303);
    g.clock.advance(600_000);
    expect((await from(g, '198.51.100.9', link)).status).toBe(303);
  });

  it('counts an IPv6 /64 as one address for starts', async () => {
    const g = await gateway();
    const link = await startLink(g);
    for (let i = 0; i < MAX_OIDC_STARTS_PER_ADDRESS; i++) {
      const host = `2001:db8:1:2:${(i + 1).toString(16)}::1`;
      expect((await from(g, host, link)).status).toBe(303);
    }
    const rotated = await from(g, '2001:db8:1:2:ffff:ffff:ffff:fffe', link);
    expect(rotated.status).toBe(429);
    expect(rotated.headers.get('retry-after')).toBe('600');
    expect((await from(g, '2001:db8:1:3::1', link)).status).toBe(303);
    expect(storedLogins(g)).toBe(MAX_OIDC_STARTS_PER_ADDRESS + 1);
  });

  it('audits 500 callbacks without a sign-in in flight as a handful of rows (1st, 10th, 100th)', async () => {
    const g = await gateway();
    const before = await loginFailedRows(g);
    for (let i = 0; i < 500; i++) {
      const response = await from(g, '198.51.100.9', '/login/oidc/callback?code=x&state=y');
      expect(response.status).toBe(400);
    }
    expect((await loginFailedRows(g)) - before).toBe(3);
    const rows = (await g.storage.audit.tail(1000)).filter(
      (e) => e.type === AUDIT_EVENT.loginFailed,
    );
    expect(rows.map((e) => e.detail)).toStrictEqual(
      [1, 10, 100].map((n) => ({
        method: 'oidc',
        reason: 'no_sign_in_in_flight',
        refusedInWindow: n,
      })),
    );
    expect(rows.every((e) => e.ip === '198.51.100.9')).toBe(true);
  });

  it('counts an IPv6 /64 as one sender of free failures', async () => {
    const g = await gateway();
    for (let i = 0; i < 20; i++) {
      const host = `2001:db8:1:2:${(i + 1).toString(16)}::1`;
      expect((await from(g, host, '/login/oidc/callback?state=y')).status).toBe(400);
    }
    // The 1st and the 10th of the /64, not one per host.
    expect(await loginFailedRows(g)).toBe(2);
  });

  it('keeps auditing every failure that follows a round trip at the provider', async () => {
    const g = await gateway({ OIDC_ALLOWED_EMAIL_DOMAINS: 'other.example' });
    for (let i = 0; i < 3; i++) {
      expect((await signIn(g)).status).toBe(403);
    }
    const rows = (await g.storage.audit.tail(1000)).filter(
      (e) => e.type === AUDIT_EVENT.loginFailed,
    );
    expect(rows.map((e) => e.detail)).toStrictEqual(
      Array.from({ length: 3 }, () => ({ method: 'oidc', reason: 'email_domain_not_allowed' })),
    );
  });
});

describe('OpenID Connect sign-in: only a verified e-mail counts (OpenID Connect Core 1.0 §5.1)', () => {
  it('refuses an e-mail without email_verified under the domain rule', async () => {
    const g = await gateway({ OIDC_ALLOWED_EMAIL_DOMAINS: 'acme.example' });
    for (const email_verified of [undefined, 'yes', 1]) {
      oidc.op.claims = { sub: 'p', email: 'pat@acme.example', email_verified };
      const response = await signIn(g);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<h1>Access not allowed</h1>');
    }
    expect(await g.storage.users.getByIdentity({ issuer: oidc.op.issuer, subject: 'p' })).toBe(
      undefined,
    );
    // Entra ID's optional claim stands in only when email_verified is absent.
    oidc.op.claims = { sub: 'p', email: 'pat@acme.example', email_verified: false, xms_edov: true };
    expect((await signIn(g)).status).toBe(403);
    oidc.op.claims = { sub: 'p', email: 'pat@acme.example', email_verified: true };
    expect((await signIn(g)).status).toBe(303);
    oidc.op.claims = { sub: 'entra', email: 'lee@acme.example', xms_edov: true };
    expect((await signIn(g)).status).toBe(303);
  });

  it('never takes the username or stored e-mail from an unverified e-mail', async () => {
    const g = await gateway();
    oidc.op.claims = { sub: 'mallory', email: 'ceo@acme.example', preferred_username: 'Mallory' };
    expect((await signIn(g)).status).toBe(303);
    oidc.op.claims = { sub: 'Sub-42', email: 'cfo@acme.example', email_verified: false };
    expect((await signIn(g)).status).toBe(303);
    const users = await g.storage.users.list();
    const mallory = users.find((u) => u.identity?.subject === 'mallory');
    expect(mallory?.username).toBe('mallory');
    expect(mallory?.email).toBe(undefined);
    const other = users.find((u) => u.identity?.subject === 'Sub-42');
    expect(other?.username).toBe('oidc-sub-42');
    expect(users.some((u) => u.username.includes('@'))).toBe(false);
  });

  it('gives a subject-derived name, not a 500, when the base name and all its suffixes are taken', async () => {
    const g = await gateway();
    const link = await startLink(g);
    for (let i = 1; i <= 20; i++) {
      oidc.op.claims = {
        sub: `squatter-${String(i)}`,
        preferred_username: i === 1 ? 'pat' : `pat-${String(i)}`,
      };
      expect((await signIn(g, link)).status).toBe(303);
    }
    oidc.op.claims = { sub: 'pat-real', preferred_username: 'pat' };
    expect((await signIn(g, link)).status).toBe(303);
    const pat = await g.storage.users.getByIdentity({
      issuer: oidc.op.issuer,
      subject: 'pat-real',
    });
    expect(pat?.username).toMatch(/^oidc-[0-9a-f]{24}$/);
  });
});
