/**
 * The Jira sandbox as its own process, so the gateway processes under test
 * spend their CPU only on gateway work. Started by bench/run.ts; reports
 * its URL over IPC and stops on SIGTERM.
 */
import { z } from 'zod';
import { startSandboxServer } from '../../src/sandbox/index.js';
import { tellParent } from './ipc.js';

async function main(): Promise<void> {
  const { BENCH_SANDBOX_DB } = z.object({ BENCH_SANDBOX_DB: z.string().min(1) }).parse(process.env);
  const sandbox = await startSandboxServer({ dbPath: BENCH_SANDBOX_DB });
  // The sandbox keeps every request it receives for tests to inspect, with
  // no bound; under sustained load that log would grow this process's heap
  // and slow its GC, drifting the later runs. The benchmark never reads it.
  setInterval(() => sandbox.sandbox.requests.splice(0), 1000).unref();
  tellParent({ type: 'ready', url: sandbox.url });
  process.once('SIGTERM', () => {
    void sandbox.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `sandbox-server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
