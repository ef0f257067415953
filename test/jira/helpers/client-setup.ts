/** A JiraClient pointed at a stub server, with waits recorded instead of slept. */
import { ManualClock } from '../../../src/clock.js';
import { JiraClient, type JiraClientOptions } from '../../../src/jira/client.js';
import { staticCredentialsProvider } from '../../../src/jira/credentials.js';

export const EMAIL = 'gateway-bot@example.com';
/** Long and distinctive, so a leak anywhere would be found by a substring search. */
export const API_TOKEN = 'ATATT3xFfGF0-test-token-Zq9v7Lw2';
export const BASIC = Buffer.from(`${EMAIL}:${API_TOKEN}`).toString('base64');

export interface ClientUnderTest {
  client: JiraClient;
  sleeps: number[];
  clock: ManualClock;
}

export function clientFor(
  baseUrl: string,
  overrides: Partial<JiraClientOptions> = {},
): ClientUnderTest {
  const sleeps: number[] = [];
  const clock = new ManualClock();
  const client = new JiraClient({
    credentials: staticCredentialsProvider({ baseUrl, email: EMAIL, apiToken: API_TOKEN }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    clock,
    ...overrides,
  });
  return { client, sleeps, clock };
}

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
