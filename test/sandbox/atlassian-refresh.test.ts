import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bearerGet,
  EMAILS,
  INVALID_REFRESH,
  linkAs,
  refresh,
  type TokenBody,
} from './atlassian-fixture.js';
import { startTestSandbox, useTestSandbox } from './sandbox-fixture.js';

const t = useTestSandbox();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

afterEach(() => {
  t.sandbox.atlassian.lifetimes.reuseLeewayMs = 10 * MINUTE;
});

async function refreshOk(token: string): Promise<TokenBody> {
  const res = await refresh(t, token);
  expect(res.status).toBe(200);
  return res.body as TokenBody;
}

describe('POST /oauth/token: refresh_token with rotation (RFC 6749 §6, Atlassian rotating refresh tokens)', () => {
  it('returns a new access token and a new refresh token on every refresh, with the same scopes', async () => {
    const first = await linkAs(t, EMAILS.alice);
    const before = t.sandbox.atlassian.counters.refreshes;
    const second = await refreshOk(first.refresh_token ?? '');
    const third = await refreshOk(second.refresh_token ?? '');
    expect(new Set([first.refresh_token, second.refresh_token, third.refresh_token]).size).toBe(3);
    expect(new Set([first.access_token, second.access_token, third.access_token]).size).toBe(3);
    expect(third).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: first.scope });
    expect(t.sandbox.atlassian.counters.refreshes).toBe(before + 2);
    expect((await bearerGet(t, '/me', third.access_token)).status).toBe(200);
  });

  it('lets a rotated refresh token work again within the 10-minute reuse leeway', async () => {
    const first = await linkAs(t, EMAILS.alice);
    await refreshOk(first.refresh_token ?? '');
    t.clock.advance(10 * MINUTE - 1);
    const reuses = t.sandbox.atlassian.counters.reusesWithinLeeway;
    const again = await refreshOk(first.refresh_token ?? '');
    expect(t.sandbox.atlassian.counters.reusesWithinLeeway).toBe(reuses + 1);
    await refreshOk(again.refresh_token ?? '');
  });

  it('revokes the whole family when a rotated token is reused after the leeway; the newest token fails too', async () => {
    const first = await linkAs(t, EMAILS.alice);
    const second = await refreshOk(first.refresh_token ?? '');
    const third = await refreshOk(second.refresh_token ?? '');
    t.clock.advance(10 * MINUTE);
    const revoked = t.sandbox.atlassian.counters.familiesRevoked;
    const reuse = await refresh(t, first.refresh_token ?? '');
    expect(reuse.status).toBe(403);
    expect(reuse.body).toEqual(INVALID_REFRESH);
    expect(t.sandbox.atlassian.counters.familiesRevoked).toBe(revoked + 1);
    const newest = await refresh(t, third.refresh_token ?? '');
    expect(newest.status).toBe(403);
    expect(newest.body).toEqual(INVALID_REFRESH);
  });

  it('uses the configured leeway: with 0 a second use of a rotated token revokes at once', async () => {
    t.sandbox.atlassian.lifetimes.reuseLeewayMs = 0;
    const first = await linkAs(t, EMAILS.bob);
    const second = await refreshOk(first.refresh_token ?? '');
    expect((await refresh(t, first.refresh_token ?? '')).status).toBe(403);
    expect((await refresh(t, second.refresh_token ?? '')).status).toBe(403);
  });

  it('leaves other families alone when one is revoked', async () => {
    const alice = await linkAs(t, EMAILS.alice);
    const bob = await linkAs(t, EMAILS.bob);
    await refreshOk(alice.refresh_token ?? '');
    t.clock.advance(11 * MINUTE);
    expect((await refresh(t, alice.refresh_token ?? '')).status).toBe(403);
    await refreshOk(bob.refresh_token ?? '');
  });

  it('expires a refresh token after 90 days unused, and each rotation starts a new 90 days', async () => {
    const first = await linkAs(t, EMAILS.alice);
    t.clock.advance(89 * DAY);
    const second = await refreshOk(first.refresh_token ?? '');
    t.clock.advance(89 * DAY);
    const third = await refreshOk(second.refresh_token ?? '');
    t.clock.advance(90 * DAY);
    const expired = await refresh(t, third.refresh_token ?? '');
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual(INVALID_REFRESH);
  });

  it('ends the family 365 days after consent however often it was refreshed', async () => {
    let tokens = await linkAs(t, EMAILS.alice);
    for (let step = 0; step < 6; step += 1) {
      t.clock.advance(60 * DAY);
      tokens = await refreshOk(tokens.refresh_token ?? '');
    }
    // 360 days so far; the 365th day ends it.
    t.clock.advance(5 * DAY);
    const res = await refresh(t, tokens.refresh_token ?? '');
    expect(res.status).toBe(403);
    expect(res.body).toEqual(INVALID_REFRESH);
  });

  it('expires access tokens after an hour', async () => {
    const tokens = await linkAs(t, EMAILS.alice);
    t.clock.advance(60 * MINUTE - 1);
    expect((await bearerGet(t, '/me', tokens.access_token)).status).toBe(200);
    t.clock.advance(1);
    expect((await bearerGet(t, '/me', tokens.access_token)).status).toBe(401);
  });
});

describe('concurrent refreshes of one token', () => {
  it('serves both within the leeway, rotating once; both new tokens keep working', async () => {
    const first = await linkAs(t, EMAILS.alice);
    const before = { ...t.sandbox.atlassian.counters };
    const answers = await Promise.all([
      refresh(t, first.refresh_token ?? ''),
      refresh(t, first.refresh_token ?? ''),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const [a, b] = answers.map((answer) => answer.body as TokenBody);
    expect(a?.refresh_token).not.toBe(b?.refresh_token);
    expect(t.sandbox.atlassian.counters.refreshes).toBe(before.refreshes + 2);
    expect(t.sandbox.atlassian.counters.reusesWithinLeeway).toBe(before.reusesWithinLeeway + 1);
    await refreshOk(a?.refresh_token ?? '');
    await refreshOk(b?.refresh_token ?? '');
  });

  it("with no leeway, exactly one wins; the loser revokes the family, so the winner's token dies too", async () => {
    t.sandbox.atlassian.lifetimes.reuseLeewayMs = 0;
    const first = await linkAs(t, EMAILS.alice);
    const revoked = t.sandbox.atlassian.counters.familiesRevoked;
    const answers = await Promise.all([
      refresh(t, first.refresh_token ?? ''),
      refresh(t, first.refresh_token ?? ''),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 403]);
    expect(t.sandbox.atlassian.counters.familiesRevoked).toBe(revoked + 1);
    const winner = answers.find((a) => a.status === 200)?.body as TokenBody;
    expect((await refresh(t, winner.refresh_token ?? '')).body).toEqual(INVALID_REFRESH);
  });
});

describe('persistence', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps refresh tokens across a restart on the same SQLite file, stored only as hashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-3lo-'));
    dirs.push(dir);
    const before = await startTestSandbox({ dir });
    const tokens = await linkAs(before, EMAILS.alice);
    await before.close();
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(join(dir, 'sandbox.db')).toString('latin1');
    expect(file).not.toContain(tokens.refresh_token);
    const after = await startTestSandbox({ dir });
    try {
      const res = await refresh(after, tokens.refresh_token ?? '');
      expect(res.status).toBe(200);
    } finally {
      await after.close();
    }
  });
});
