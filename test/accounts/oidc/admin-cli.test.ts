/**
 * The operator's side of OpenID sign-in: `user list` says where each person
 * signs in, `user disable` still revokes everything of a provider's person
 * at once, and `oidc set-client-secret` stores the secret only encrypted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OidcClientSecretStore } from '../../../src/accounts/oidc/client-secret-store.js';
import { AUDIT_EVENT } from '../../../src/audit/audit-events.js';
import { createLocalCipher } from '../../../src/crypto/local-cipher.js';
import { loadOrCreateMasterKey } from '../../../src/crypto/master-key.js';
import { hashSecret } from '../../../src/crypto/hash.js';
import { randomId, randomToken } from '../../../src/crypto/random.js';
import { SCOPES } from '../../../src/oauth/scopes.js';
import type { UserRecord } from '../../../src/storage/ports.js';
import { createCliHarness, occurrences, type CliHarness } from '../../entry/cli-harness.js';
import path from 'node:path';

const ISSUER = 'https://login.acme.example';
let cli: CliHarness;

beforeEach(() => {
  cli = createCliHarness();
});
afterEach(() => {
  cli.close();
});

function person(username: string, subject: string): UserRecord {
  return {
    id: randomId('usr'),
    username,
    passwordHash: '',
    disabled: false,
    createdAt: Date.UTC(2026, 0, 2),
    identity: { issuer: ISSUER, subject },
    email: username,
    name: 'Pat Doe',
  };
}

describe('user list and user disable with people from an OpenID provider', () => {
  it('shows where each person signs in and their e-mail', async () => {
    await cli.run(['user', 'add', 'alice', '--password-stdin'], {
      stdin: 'correct horse battery staple\n',
    });
    await cli.withStorage((s) => s.users.create(person('pat@acme.example', 'sub-1')));
    const result = await cli.run(['user', 'list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'USERNAME          STATE   SIGN-IN                     EMAIL             CREATED',
    );
    expect(lines.slice(1).map((l) => l.split(/ +/).slice(0, 4))).toEqual([
      ['pat@acme.example', 'active', ISSUER, 'pat@acme.example'],
      ['alice', 'active', 'local', '-'],
    ]);
  });

  it('disables a person from the provider by username, revoking their grants and ending their sessions', async () => {
    const pat = person('pat@acme.example', 'sub-1');
    const grantId = randomId('grt');
    const sessionHash = hashSecret(randomToken());
    await cli.withStorage(async (s) => {
      await s.users.create(pat);
      await s.grants.create({
        id: grantId,
        userId: pat.id,
        clientId: 'cli_1',
        scopes: [SCOPES.read],
        resource: 'http://localhost:8080/mcp',
        createdAt: Date.now(),
        expiresAt: Date.now() + 3_600_000,
      });
      await s.sessions.create({
        idHash: sessionHash,
        userId: pat.id,
        createdAt: Date.now(),
        expiresAt: Date.now() + 3_600_000,
      });
    });
    const result = await cli.run(['user', 'disable', 'Pat@acme.example']);
    expect(result).toMatchObject({ code: 0, stdout: 'Disabled user pat@acme.example.\n' });
    await cli.withStorage(async (s) => {
      expect(
        (await s.users.getByIdentity(pat.identity ?? { issuer: '', subject: '' }))?.disabled,
      ).toBe(true);
      expect((await s.grants.get(grantId))?.revokedReason).toBe('user disabled');
      expect(await s.sessions.get(sessionHash, Date.now())).toBeUndefined();
    });
  });
});

describe('oidc set-client-secret', () => {
  it('stores the secret from stdin only encrypted, and the relying party can read it back', async () => {
    const secret = `oidc-secret-${randomToken()}`;
    const result = await cli.run(['oidc', 'set-client-secret'], { stdin: `${secret}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Stored the OpenID client secret, encrypted.');
    expect(cli.allOutput()).not.toContain(secret);
    expect(occurrences(cli.dataBytes(), secret)).toBe(0);
    const master = await loadOrCreateMasterKey({ keyPath: path.join(cli.dir, 'master.key') });
    await cli.withStorage(async (s) => {
      const store = new OidcClientSecretStore(s.secrets, createLocalCipher(master.key), {
        now: () => Date.now(),
      });
      expect(await store.get()).toBe(secret);
      const events = await s.audit.tail(1);
      expect(events[0]?.type).toBe(AUDIT_EVENT.oidcClientSecretSet);
    });
  });

  it('refuses an empty secret with exit code 1', async () => {
    const result = await cli.run(['oidc', 'set-client-secret'], { stdin: '\n' });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'jira-mcp-gateway: the client secret must be 1 to 4096 characters on one line\n',
    });
  });
});
