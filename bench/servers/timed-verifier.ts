/**
 * Measures the token check from inside the gateway process, for scenario
 * 1: the only way to see a sub-millisecond cost on a machine whose
 * end-to-end latencies move by milliseconds from one burst to the next.
 */
import type { TokenVerifier, VerifiedToken } from '../../src/mcp/token-verifier.js';

/**
 * Wraps a token check to record how long each `verify()` takes, in
 * milliseconds, from call to settlement: the check's own latency, free of
 * the HTTP, MCP and Jira work around it and of the load generator's noise.
 * Both sides of scenario 1 are wrapped alike. Keeps at most 200,000
 * durations between two `take()`s.
 */
export function timeVerifier(inner: TokenVerifier): {
  verifier: TokenVerifier;
  take(): number[];
} {
  let durations: number[] = [];
  return {
    verifier: {
      async verify(token: string): Promise<VerifiedToken | undefined> {
        const started = performance.now();
        try {
          return await inner.verify(token);
        } finally {
          if (durations.length < 200_000) durations.push(performance.now() - started);
        }
      },
    },
    take() {
      const taken = durations;
      durations = [];
      return taken;
    },
  };
}
