import { afterEach, beforeEach } from 'vitest';
import type { Storage } from '../../../src/storage/ports.js';

/** An adapter under test, opened fresh for each test. */
export interface OpenedStorage {
  storage: Storage;
  cleanup(): Promise<void>;
}

export type OpenStorage = () => Promise<OpenedStorage>;

/** The storage of the running test. */
export interface StorageHandle {
  readonly storage: Storage;
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
  };
}
