/**
 * What every sandbox route can reach: the store, clock and directory of
 * accounts (shared), and per request the authenticated user (whose
 * permissions every route applies) and the site's base URL for `self` links.
 */
import type { Clock } from '../clock.js';
import type { SandboxDirectory, SandboxUser } from './directory.js';
import type { SandboxStore } from './store.js';

export interface SandboxEnv {
  Variables: {
    user: SandboxUser;
    /** Origin used in `self` links: the configured base URL or the request's origin. */
    base: string;
  };
}

export interface SandboxDeps {
  store: SandboxStore;
  clock: Clock;
  directory: SandboxDirectory;
}
