import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

/** A fresh directory under the OS temp dir, for real database files. */
export function makeTempDir(prefix = 'jmg-storage-'): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return {
    path: dir,
    file: (name) => path.join(dir, name),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
