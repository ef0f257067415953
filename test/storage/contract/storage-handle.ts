import { afterEach, beforeEach } from 'vitest';
import type { Storage } from '../../../src/storage/ports.js';

/** An adapter under test, opened fresh for each test. */
export interface OpenedStorage {
  storage: Storage;
  /**
   * Another connection (SQLite) or instance with its own client (DynamoDB)
   * on the same store, for races between processes; `cleanup` closes it.
   */
  openPeer?(): Storage;
  cleanup(): Promise<void>;
}

export type OpenStorage = () => Promise<OpenedStorage>;

/** The storage of the running test. */
export interface StorageHandle {
  readonly storage: Storage;
  /** `count` more connections or instances on the same store (see {@link OpenedStorage.openPeer}). */
  peers(count: number): Storage[];
}

/** Opens a fresh store before each test and cleans it up after. */
export function useFreshStorage(open: OpenStorage): StorageHandle {
  let current: OpenedStorage | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    const opened = current;
    current = undefined;
    await opened?.cleanup();
  });
  return {
    get storage(): Storage {
      if (current === undefined) {
        throw new Error('storage is open only while a test runs');
      }
      return current.storage;
    },
    peers(count: number): Storage[] {
      const opened = current;
      if (opened?.openPeer === undefined) {
        throw new Error('this adapter opens no peers (openPeer), or no test runs');
      }
      const open = opened.openPeer.bind(opened);
      return Array.from({ length: count }, () => open());
    },
  };
}
