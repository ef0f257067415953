import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../src/storage/ports.js';
import { aUser, sortedBy } from './records.js';
import type { StorageHandle } from './storage-handle.js';

/** UserRepository: local accounts, unique usernames. */
export function describeUserContract(handle: StorageHandle): void {
  describe('users (UserRepository)', () => {
    it('creates a user and reads it back by id and by username', async () => {
      const { users } = handle.storage;
      const user = aUser({ username: 'alice', disabled: true });
      await users.create(user);
      expect(await users.getById(user.id)).toStrictEqual(user);
      expect(await users.getByUsername('alice')).toStrictEqual(user);
    });

    it('refuses a taken username with ConflictError and keeps the first user', async () => {
      const { users } = handle.storage;
      const first = aUser({ username: 'alice' });
      await users.create(first);
      await expect(users.create(aUser({ username: 'alice' }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await users.getByUsername('alice')).toStrictEqual(first);
      expect(await users.count()).toBe(1);
    });

    it('refuses a taken id with ConflictError', async () => {
      const { users } = handle.storage;
      const first = aUser();
      await users.create(first);
      await expect(users.create(aUser({ id: first.id }))).rejects.toBeInstanceOf(ConflictError);
    });

    it('answers undefined for an unknown id or username', async () => {
      const { users } = handle.storage;
      await users.create(aUser({ username: 'alice' }));
      expect(await users.getById('usr_unknown')).toBeUndefined();
      expect(await users.getByUsername('bob')).toBeUndefined();
    });

    it('lists and counts every user', async () => {
      const { users } = handle.storage;
      expect(await users.count()).toBe(0);
      expect(await users.list()).toStrictEqual([]);
      const created = [
        aUser({ username: 'a' }),
        aUser({ username: 'b' }),
        aUser({ username: 'c' }),
      ];
      for (const user of created) {
        await users.create(user);
      }
      expect(await users.count()).toBe(3);
      const byId = (u: { id: string }): string => u.id;
      expect(sortedBy(await users.list(), byId)).toStrictEqual(sortedBy(created, byId));
    });

    it('disables and re-enables a user by username, and answers false for an unknown one', async () => {
      const { users } = handle.storage;
      const user = aUser({ username: 'alice' });
      await users.create(user);
      expect(await users.setDisabled('alice', true)).toBe(true);
      expect(await users.getById(user.id)).toStrictEqual({ ...user, disabled: true });
      expect(await users.setDisabled('alice', false)).toBe(true);
      expect(await users.getById(user.id)).toStrictEqual({ ...user, disabled: false });
      expect(await users.setDisabled('bob', true)).toBe(false);
    });

    it('stores a person from an OpenID provider and finds them by (issuer, subject)', async () => {
      const { users } = handle.storage;
      const identity = { issuer: 'https://idp.example', subject: '248289761001' };
      const person = aUser({
        username: 'jane@example.com',
        passwordHash: '',
        identity,
        email: 'jane@example.com',
        name: 'Jane Doe',
      });
      await users.create(person);
      expect(await users.getByIdentity(identity)).toStrictEqual(person);
      expect(await users.getById(person.id)).toStrictEqual(person);
      expect(await users.getByUsername('jane@example.com')).toStrictEqual(person);
      expect(
        await users.getByIdentity({ issuer: 'https://other.example', subject: '248289761001' }),
      ).toBeUndefined();
      expect(
        await users.getByIdentity({ issuer: 'https://idp.example', subject: '248289761002' }),
      ).toBeUndefined();
    });

    it('refuses a second user with the same (issuer, subject) with ConflictError', async () => {
      const { users } = handle.storage;
      const identity = { issuer: 'https://idp.example', subject: 'sub-1' };
      const first = aUser({ username: 'first', passwordHash: '', identity });
      await users.create(first);
      await expect(
        users.create(aUser({ username: 'second', passwordHash: '', identity })),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await users.getByIdentity(identity)).toStrictEqual(first);
      expect(await users.getByUsername('second')).toBeUndefined();
    });

    it('lets one subject exist at two issuers, and keeps a refused username from claiming an identity', async () => {
      const { users } = handle.storage;
      const a = aUser({
        username: 'a',
        passwordHash: '',
        identity: { issuer: 'https://a.example', subject: 's' },
      });
      const b = aUser({
        username: 'b',
        passwordHash: '',
        identity: { issuer: 'https://b.example', subject: 's' },
      });
      await users.create(a);
      await users.create(b);
      const clash = { issuer: 'https://c.example', subject: 's' };
      await expect(
        users.create(aUser({ username: 'a', passwordHash: '', identity: clash })),
      ).rejects.toBeInstanceOf(ConflictError);
      // The identity stays free for a create under another username.
      const c = aUser({ username: 'c', passwordHash: '', identity: clash });
      await users.create(c);
      expect(await users.getByIdentity(clash)).toStrictEqual(c);
      expect(await users.getByIdentity(a.identity ?? clash)).toStrictEqual(a);
    });

    it('replaces the password hash, and answers false for an unknown user', async () => {
      const { users } = handle.storage;
      const user = aUser({ username: 'alice' });
      await users.create(user);
      const replaced = '$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA';
      expect(await users.setPasswordHash('alice', replaced)).toBe(true);
      expect(await users.getByUsername('alice')).toStrictEqual({ ...user, passwordHash: replaced });
      expect(await users.setPasswordHash('bob', replaced)).toBe(false);
    });
  });
}
