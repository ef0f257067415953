/**
 * The local master key for envelope encryption: from the environment, from a
 * key file, or created once on first start.
 *
 * File format: the 32 key bytes as base64 plus a newline, the same text
 * `MASTER_KEY` takes, so an operator can move the key into the environment
 * (or a secrets manager) by copying the file's content.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';

export const MASTER_KEY_BYTES = 32;

export interface MasterKeyOptions {
  /** From `MASTER_KEY`; wins over any file. */
  keyFromEnv?: Buffer;
  keyPath: string;
}

export interface MasterKey {
  key: Buffer;
  source: 'env' | 'file' | 'created';
}

/** The key file exists but must not be used; the message says how to fix it. */
export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

/**
 * Returns the master key: the environment's if given, else the key file's,
 * else a new random key written to `keyPath` with mode 0600 (parent directory
 * created 0700). A key file readable or writable by group or others is
 * refused, not silently fixed, because it may already have been copied.
 * Creation is race-safe: of concurrent first starts, one key wins and every
 * caller returns it.
 * @see NIST SP 800-57 Part 1 Rev. 5 §6.2.2 (protection of secret keys at rest)
 */
export async function loadOrCreateMasterKey(options: MasterKeyOptions): Promise<MasterKey> {
  if (options.keyFromEnv !== undefined) {
    if (options.keyFromEnv.length !== MASTER_KEY_BYTES) {
      throw new MasterKeyError(`MASTER_KEY must be ${MASTER_KEY_BYTES} bytes`);
    }
    return { key: Buffer.from(options.keyFromEnv), source: 'env' };
  }
  const existing = await readKeyFile(options.keyPath);
  if (existing !== undefined) return { key: existing, source: 'file' };

  const created = await createKeyFile(options.keyPath);
  if (created !== undefined) return { key: created, source: 'created' };
  // Another process created the file between our read and our link.
  const winner = await readKeyFile(options.keyPath);
  if (winner === undefined) {
    throw new MasterKeyError(`master key file ${options.keyPath} vanished while being created`);
  }
  return { key: winner, source: 'file' };
}

async function readKeyFile(keyPath: string): Promise<Buffer | undefined> {
  let handle;
  try {
    // O_NOFOLLOW: a symlink planted in DATA_DIR must not redirect us to
    // another file whose permissions we would then vouch for.
    handle = await open(keyPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    if (isErrno(error, 'ELOOP')) {
      throw new MasterKeyError(`master key file ${keyPath} is a symbolic link; refusing to use it`);
    }
    throw error;
  }
  try {
    // fstat on the open handle, so the checked file is the one we read.
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new MasterKeyError(`master key file ${keyPath} is not a regular file`);
    }
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new MasterKeyError(
        `master key file ${keyPath} has mode ${mode}, which lets other users read or change it; ` +
          `run \`chmod 600 ${keyPath}\` (and rotate the key if others may have read it)`,
      );
    }
    const text = (await handle.readFile('utf8')).trim();
    const key = Buffer.from(text, 'base64');
    if (key.length !== MASTER_KEY_BYTES || key.toString('base64') !== text) {
      throw new MasterKeyError(
        `master key file ${keyPath} must hold ${MASTER_KEY_BYTES} bytes, base64-encoded`,
      );
    }
    return key;
  } finally {
    await handle.close();
  }
}

/** Writes a new key; undefined when `keyPath` already exists (someone else won). */
async function createKeyFile(keyPath: string): Promise<Buffer | undefined> {
  await mkdir(path.dirname(keyPath), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  // Written in full to a private temporary name, then hard-linked into place:
  // link() never replaces an existing file and never exposes a half-written
  // key, which O_EXCL on the final name alone would (a crash mid-write).
  const tmpPath = `${keyPath}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(
    tmpPath,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${key.toString('base64')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmpPath, keyPath);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return undefined;
    throw error;
  } finally {
    await unlink(tmpPath);
  }
  await syncDirectory(path.dirname(keyPath));
  return key;
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
