/**
 * What the cross-process refresh test and its worker share: the message
 * protocol and the refresh loop. Kept apart from the worker so importing it
 * runs nothing.
 */
import { TEST_ISSUER } from '../helpers/gateway.js';

export interface RefreshAnswer {
  status: number;
  error?: string;
  accessToken?: string;
  refreshToken?: string;
}

export interface RefreshGo {
  type: 'go';
  /** Wall-clock ms at which both processes start, so their loops overlap. */
  startAt: number;
  /** The injected clock's time in the worker (the test gateway's). */
  now: number;
  clientId: string;
  tokens: string[];
}

export type RefreshWorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; answers: RefreshAnswer[] }
  | { type: 'failed'; message: string };

type Fetch = (input: string, init: RequestInit) => Response | Promise<Response>;

/** Refreshes each token in order at /token, recording each answer. */
export async function refreshEach(
  fetch: Fetch,
  clientId: string,
  tokens: readonly string[],
): Promise<RefreshAnswer[]> {
  const answers: RefreshAnswer[] = [];
  for (const token of tokens) {
    const response = await fetch(`${TEST_ISSUER}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: token,
      }).toString(),
    });
    const body = (await response.json()) as {
      error?: string;
      access_token?: string;
      refresh_token?: string;
    };
    const answer: RefreshAnswer = { status: response.status };
    if (body.error !== undefined) answer.error = body.error;
    if (body.access_token !== undefined) answer.accessToken = body.access_token;
    if (body.refresh_token !== undefined) answer.refreshToken = body.refresh_token;
    answers.push(answer);
  }
  return answers;
}
