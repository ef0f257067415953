import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/crypto/hash.js';
import { SecretDecryptError } from '../../../src/crypto/local-cipher.js';
import { openLinkSecret } from '../../../src/jira/person/link-secrets.js';
import {
  JiraLinkError,
  JiraLinkRequiredError,
  type PersonalJira,
} from '../../../src/jira/person/personal-jira.js';
import { SANDBOX_ATLASSIAN_APP, SANDBOX_CLOUD_ID } from '../../../src/sandbox/index.js';
import {
  consentAt,
  linkThroughAtlassian,
  REDIRECT_URI,
  rejection,
  startPersonWorld,
  type PersonWorld,
} from './person-fixture.js';

const ALICE = { userId: 'usr_alice', email: 'alice@example.com' };
const BOB = { userId: 'usr_bob', email: 'bob@example.com' };

let world: PersonWorld;
let personal: PersonalJira;

beforeEach(async () => {
  world = await startPersonWorld();
  personal = world.personal('atlassian-oauth');
});

afterEach(async () => {
  await world.close();
});

async function linkError(promise: Promise<unknown>): Promise<JiraLinkError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(JiraLinkError);
  return error as JiraLinkError;
}

describe('atlassian-oauth: linking a person (OAuth 2.0 3LO, RFC 6749 §4.1)', () => {
  it('sends the person to Atlassian with audience, consent prompt, offline_access and a single-use state', async () => {
    const { url } = await personal.startLink(ALICE.userId, '/authorize?x=1');
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${world.sandboxUrl}/authorize`);
    const state = parsed.searchParams.get('state') ?? '';
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.fromEntries(parsed.searchParams)).toStrictEqual({
      audience: 'api.atlassian.com',
      client_id: SANDBOX_ATLASSIAN_APP.clientId,
      scope: 'read:jira-work write:jira-work read:jira-user read:me offline_access',
      redirect_uri: REDIRECT_URI,
      state,
      response_type: 'code',
      prompt: 'consent',
    });
    // Only the hash is stored, bound to the person, for 10 minutes.
    const stored = await world.storage.jiraLinks.consumeState(hashSecret(state), world.clock.now());
    expect(stored).toStrictEqual({
      stateHash: hashSecret(state),
      userId: ALICE.userId,
      returnTo: '/authorize?x=1',
      createdAt: world.clock.now(),
      expiresAt: world.clock.now() + 10 * 60_000,
    });
  });

  it('links the account the person signed in with and acts as it through the API gateway', async () => {
    expect(await personal.actorFor(ALICE.userId)).toBeUndefined();
    const { returnTo, actor } = await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    expect(returnTo).toBe('/authorize?client_id=c1');
    const alice = world.sandbox.findUserByEmail(ALICE.email);
    expect(actor).toStrictEqual({
      mode: 'atlassian-oauth',
      accountId: alice?.accountId,
      displayName: 'Alice Admin',
      email: ALICE.email,
      siteUrl: world.sandboxUrl,
    });
    expect(await personal.actorFor(ALICE.userId)).toStrictEqual(actor);
    expect(await personal.linkStatus(ALICE.userId)).toStrictEqual({
      status: 'linked',
      actor,
      linkedAt: world.clock.now(),
    });
    const client = await personal.clientFor(ALICE.userId);
    expect((await client.getMyself()).accountId).toBe(alice?.accountId);
    const calls = world.sandbox.requests.filter((r) => r.path.includes('/myself'));
    expect(calls.at(-1)?.path).toBe(`/ex/jira/${SANDBOX_CLOUD_ID}/rest/api/3/myself`);
  });

  it('keeps each person to their own account', async () => {
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    await linkThroughAtlassian(personal, BOB.userId, BOB.email);
    const bob = await (await personal.clientFor(BOB.userId)).getMyself();
    const alice = await (await personal.clientFor(ALICE.userId)).getMyself();
    expect(bob.emailAddress).toBe(BOB.email);
    expect(alice.emailAddress).toBe(ALICE.email);
  });

  it('stores the tokens only envelope-encrypted, bound to the person', async () => {
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    const link = await world.storage.jiraLinks.get(ALICE.userId);
    expect(link?.kind).toBe('atlassian-oauth');
    expect(link?.cloudId).toBe(SANDBOX_CLOUD_ID);
    const ciphertext = link?.ciphertext ?? new Uint8Array();
    const secret = await openLinkSecret(world.cipher, ALICE.userId, 'atlassian-oauth', ciphertext);
    expect(secret.refreshToken.length).toBeGreaterThan(20);
    const raw = Buffer.from(ciphertext).toString('latin1');
    expect(raw).not.toContain(secret.accessToken);
    expect(raw).not.toContain(secret.refreshToken);
    // Copied to another person's record, it does not open.
    await expect(
      openLinkSecret(world.cipher, BOB.userId, 'atlassian-oauth', ciphertext),
    ).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('refuses a state started by someone else, and burns it', async () => {
    const { url } = await personal.startLink(ALICE.userId, '/authorize');
    const query = await consentAt(url, ALICE.email);
    const error = await linkError(personal.completeLink(BOB.userId, query));
    expect([error.code, error.status]).toStrictEqual(['invalid_state', 400]);
    expect((await linkError(personal.completeLink(ALICE.userId, query))).code).toBe(
      'invalid_state',
    );
    expect(await personal.actorFor(BOB.userId)).toBeUndefined();
  });

  it('refuses a replayed callback and a state older than 10 minutes', async () => {
    const first = await personal.startLink(ALICE.userId, '/authorize');
    const query = await consentAt(first.url, ALICE.email);
    await personal.completeLink(ALICE.userId, query);
    expect((await linkError(personal.completeLink(ALICE.userId, query))).code).toBe(
      'invalid_state',
    );
    const second = await personal.startLink(BOB.userId, '/authorize');
    const late = await consentAt(second.url, BOB.email);
    world.clock.advance(10 * 60_000);
    expect((await linkError(personal.completeLink(BOB.userId, late))).code).toBe('invalid_state');
    const forged = new URLSearchParams({ code: 'x', state: 'not-a-state' });
    expect((await linkError(personal.completeLink(BOB.userId, forged))).code).toBe('invalid_state');
  });

  it('reports a declined consent as denied and links nothing', async () => {
    const { url } = await personal.startLink(ALICE.userId, '/authorize');
    const query = await consentAt(url, ALICE.email, 'deny');
    expect(query.get('error')).toBe('access_denied');
    const error = await linkError(personal.completeLink(ALICE.userId, query));
    expect([error.code, error.status, error.message]).toStrictEqual([
      'denied',
      400,
      'You did not grant access at Atlassian, so your Jira account is not linked.',
    ]);
    expect(await personal.linkStatus(ALICE.userId)).toStrictEqual({ status: 'none' });
  });

  it('reports a code Atlassian refuses as exchange_failed', async () => {
    const { url } = await personal.startLink(ALICE.userId, '/authorize');
    const query = await consentAt(url, ALICE.email);
    query.set('code', 'forged-code');
    const error = await linkError(personal.completeLink(ALICE.userId, query));
    expect([error.code, error.status]).toStrictEqual(['exchange_failed', 400]);
    expect(error.message).not.toContain('forged-code');
  });

  it('refuses a link when the configured site is not among the granted ones', async () => {
    const elsewhere = world.personal('atlassian-oauth', { siteUrl: 'https://acme.atlassian.net' });
    const error = await linkError(linkThroughAtlassian(elsewhere, ALICE.userId, ALICE.email));
    expect([error.code, error.status]).toStrictEqual(['site_not_granted', 400]);
    expect(await world.storage.jiraLinks.get(ALICE.userId)).toBeUndefined();
    const here = world.personal('atlassian-oauth', { siteUrl: `${world.sandboxUrl}/` });
    expect((await linkThroughAtlassian(here, ALICE.userId, ALICE.email)).actor.siteUrl).toBe(
      world.sandboxUrl,
    );
  });

  it('refuses a return path that could leave the site', async () => {
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      'x',
      '/a b',
    ]) {
      expect((await linkError(personal.startLink(ALICE.userId, returnTo))).code).toBe(
        'invalid_input',
      );
    }
  });

  it('asks for a link when there is none, and forgets it on unlink', async () => {
    const missing = await rejection(personal.clientFor(ALICE.userId));
    expect(missing).toBeInstanceOf(JiraLinkRequiredError);
    expect((missing as JiraLinkRequiredError).reason).toBe('missing');
    await linkThroughAtlassian(personal, ALICE.userId, ALICE.email);
    expect(await personal.unlink(ALICE.userId)).toBe(true);
    expect(await personal.unlink(ALICE.userId)).toBe(false);
    expect(
      ((await rejection(personal.clientFor(ALICE.userId))) as JiraLinkRequiredError).reason,
    ).toBe('missing');
  });

  it('has no personal tokens in this mode', async () => {
    const error = await linkError(personal.storePersonalToken(ALICE.userId, ALICE.email, 't'));
    expect(error.code).toBe('wrong_mode');
  });
});
