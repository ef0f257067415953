/**
 * Vitest global setup: stops and deletes PostgreSQL test clusters
 * (test/helpers/postgres-server.ts) that a killed test process left
 * behind, before the run and after it.
 */
import { reapClusters } from './postgres-server.js';

/** Before the run: clusters whose owner process is gone. */
export function setup(): void {
  reapClusters();
}

/** After the run: every test process has exited, so every cluster left is stale. */
export function teardown(): void {
  reapClusters();
}
