import { parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  needsRehash,
  PASSWORD_HASH_OPTIONS,
  verifyPassword,
} from '../../src/accounts/passwords.js';

describe('passwords (argon2id, OWASP parameters)', () => {
  it('hashes with argon2id, m=19456 KiB, t=2, p=1 and a 16-byte salt', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parseOptions(hash)).toMatchObject({
      algorithm: 2,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      saltLen: 16,
    });
    expect(PASSWORD_HASH_OPTIONS).toEqual({
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
  });

  it('salts every hash, so one password gives two different hashes', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password!'),
      hashPassword('same password!'),
    ]);
    expect(a).not.toBe(b);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('verifies a password typed in another Unicode normalization form', async () => {
    const composed = 'caf\u00e9 au lait 2024';
    const decomposed = 'cafe\u0301 au lait 2024';
    const hash = await hashPassword(composed);
    expect(await verifyPassword(hash, decomposed)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not a hash'],
    ['a truncated PHC string', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA'],
    ['a bcrypt hash', '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'],
  ])('returns false, without throwing, for %s as the stored hash', async (_name, stored) => {
    await expect(verifyPassword(stored, 'any password at all')).resolves.toBe(false);
  });

  it('flags hashes made with other parameters for rehashing', async () => {
    expect(needsRehash(await hashPassword('a fine password'))).toBe(false);
    expect(
      needsRehash(
        '$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$2nKJ8nZ0dVNi6QzS6w1YtQ2QqIn1Vh0h8X3b2f2kWgk',
      ),
    ).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
    // Same parameters, another variant: argon2i is not what we hash with.
    const argon2i = (await hashPassword('a fine password')).replace('$argon2id$', '$argon2i$');
    expect(parseOptions(argon2i).algorithm).toBe(1);
    expect(needsRehash(argon2i)).toBe(true);
  });
});
