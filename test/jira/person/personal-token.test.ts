import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JiraClient } from '../../../src/jira/client.js';
import { staticCredentialsProvider } from '../../../src/jira/credentials.js';
import { openLinkSecret } from '../../../src/jira/person/link-secrets.js';
import {
  createPersonalJira,
  JiraLinkError,
  JiraLinkRequiredError,
  type PersonalJira,
} from '../../../src/jira/person/personal-jira.js';
import { loadConfig } from '../../../src/config/config.js';
import { SANDBOX_API_TOKENS } from '../../../src/sandbox/index.js';
import { rejection, startPersonWorld, type PersonWorld } from './person-fixture.js';

const ALICE = { userId: 'usr_alice', email: 'alice@example.com' };
const BOB = { userId: 'usr_bob', email: 'bob@example.com' };

let world: PersonWorld;
let personal: PersonalJira;

beforeEach(async () => {
  world = await startPersonWorld();
  personal = world.personal('personal-token');
});

afterEach(async () => {
  await world.close();
});

async function linkError(promise: Promise<unknown>): Promise<JiraLinkError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(JiraLinkError);
  return error as JiraLinkError;
}

describe('personal-token: each person stores their own API token (RFC 7617 Basic)', () => {
  it('checks the token against /myself on the site, then stores it encrypted and acts as that account', async () => {
    const actor = await personal.storePersonalToken(
      BOB.userId,
      ` ${BOB.email} `,
      SANDBOX_API_TOKENS.bob,
    );
    const bob = world.sandbox.findUserByEmail(BOB.email);
    expect(actor).toStrictEqual({
      mode: 'personal-token',
      accountId: bob?.accountId,
      displayName: 'Bob Builder',
      email: BOB.email,
      siteUrl: world.sandboxUrl,
    });
    expect(await personal.actorFor(BOB.userId)).toStrictEqual(actor);
    const me = await (await personal.clientFor(BOB.userId)).getMyself();
    expect(me.accountId).toBe(bob?.accountId);
    const link = await world.storage.jiraLinks.get(BOB.userId);
    const ciphertext = link?.ciphertext ?? new Uint8Array();
    expect(Buffer.from(ciphertext).toString('latin1')).not.toContain(SANDBOX_API_TOKENS.bob);
    expect(
      await openLinkSecret(world.cipher, BOB.userId, 'personal-token', ciphertext),
    ).toStrictEqual({ kind: 'personal-token', email: BOB.email, apiToken: SANDBOX_API_TOKENS.bob });
    await expect(
      openLinkSecret(world.cipher, ALICE.userId, 'personal-token', ciphertext),
    ).rejects.toThrow('encryption context mismatch on "userId"');
  });

  it('refuses a token Jira does not accept, and keeps nothing', async () => {
    const error = await linkError(
      personal.storePersonalToken(ALICE.userId, ALICE.email, 'not-the-token'),
    );
    expect([error.code, error.status, error.message]).toStrictEqual([
      'token_refused',
      400,
      `Jira at ${world.sandboxUrl} did not accept this e-mail address and API token. Check both and try again.`,
    ]);
    expect(await world.storage.jiraLinks.get(ALICE.userId)).toBeUndefined();
    expect(error.message).not.toContain('not-the-token');
  });

  it('refuses malformed input before calling Jira', async () => {
    const before = world.sandbox.requests.length;
    for (const [email, token] of [
      ['', 'x'],
      ['no-at-sign', 'x'],
      [ALICE.email, ''],
      [ALICE.email, 'two words'],
      [ALICE.email, 'x'.repeat(4097)],
    ] as const) {
      expect((await linkError(personal.storePersonalToken(ALICE.userId, email, token))).code).toBe(
        'invalid_input',
      );
    }
    expect(world.sandbox.requests.length).toBe(before);
  });

  it('reports an unreachable site as upstream (502)', async () => {
    const offline = createPersonalJira({
      config: loadConfig({ JIRA_AUTH: 'personal-token', JIRA_MAX_RETRIES: '0' }),
      storage: world.storage,
      cipher: world.cipher,
      clock: world.clock,
      siteUrl: 'http://127.0.0.1:9',
    });
    const error = await linkError(
      offline.storePersonalToken(ALICE.userId, ALICE.email, SANDBOX_API_TOKENS.alice),
    );
    expect([error.code, error.status]).toStrictEqual(['upstream', 502]);
  });

  it('marks the link broken when Jira later refuses the stored token', async () => {
    const carol = world.sandbox.addUser({ name: 'carol', projects: ['DEMO'] });
    await personal.storePersonalToken('usr_carol', carol.emailAddress, carol.apiToken);
    carol.apiToken = 'sandbox-token-carol-revoked';
    const error = await rejection((await personal.clientFor('usr_carol')).getMyself());
    expect(error).toBeInstanceOf(JiraLinkRequiredError);
    expect((error as JiraLinkRequiredError).reason).toBe('broken');
    expect((await personal.linkStatus('usr_carol')).status).toBe('broken');
    expect(await personal.actorFor('usr_carol')).toBeUndefined();
    // A new token mends it.
    await personal.storePersonalToken('usr_carol', carol.emailAddress, carol.apiToken);
    expect((await personal.linkStatus('usr_carol')).status).toBe('linked');
  });

  it('asks for a token when none is stored, and has no Atlassian link flow', async () => {
    const missing = await rejection(personal.clientFor(ALICE.userId));
    expect((missing as JiraLinkRequiredError).reason).toBe('missing');
    expect((await linkError(personal.startLink(ALICE.userId, '/account'))).code).toBe('wrong_mode');
    expect((await linkError(personal.completeLink(ALICE.userId, new URLSearchParams()))).code).toBe(
      'wrong_mode',
    );
    expect(await personal.unlink(ALICE.userId)).toBe(false);
  });
});

describe('service: one shared account for everyone', () => {
  it('names the shared account from /myself, read once, and has nothing to link', async () => {
    const shared = new JiraClient({
      credentials: staticCredentialsProvider({
        baseUrl: world.sandboxUrl,
        email: ALICE.email,
        apiToken: SANDBOX_API_TOKENS.alice,
      }),
    });
    const service = createPersonalJira({
      config: loadConfig({}),
      storage: world.storage,
      cipher: world.cipher,
      clock: world.clock,
      serviceClient: shared,
      siteUrl: world.sandboxUrl,
    });
    expect(await service.clientFor(BOB.userId)).toBe(shared);
    const before = world.sandbox.requests.length;
    const actors = await Promise.all([
      service.actorFor(BOB.userId),
      service.actorFor(ALICE.userId),
    ]);
    expect(actors[0]).toStrictEqual({
      mode: 'service',
      accountId: world.sandbox.findUserByEmail(ALICE.email)?.accountId,
      displayName: 'Alice Admin',
      email: ALICE.email,
      siteUrl: world.sandboxUrl,
    });
    expect(actors[1]).toStrictEqual(actors[0]);
    expect(world.sandbox.requests.length - before).toBe(1);
    expect(await service.linkStatus(BOB.userId)).toStrictEqual({ status: 'none' });
    expect((await linkError(service.startLink(BOB.userId, '/account'))).code).toBe('wrong_mode');
    expect((await linkError(service.storePersonalToken(BOB.userId, BOB.email, 'x'))).code).toBe(
      'wrong_mode',
    );
  });
});
