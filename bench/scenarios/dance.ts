/**
 * Scenario 4: the whole dance of DESIGN.md without the person, one after
 * another: register (RFC 7591) → authorize, with the login and consent
 * forms posted by the harness as a browser would → token (code + PKCE) →
 * the first `tools/call`. Each dance is a new client and a new browser
 * session, so it pays for one password check (argon2id) like a real one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PageAgent, signInAndConsent } from '../../test/helpers/browser.js';
import { BENCH_USERNAME, REDIRECT_URI, SCOPE } from '../lib/constants.js';
import type { Lab } from '../lib/lab.js';
import { ms, table } from '../lib/markdown.js';
import type { Plan, Progress, ScenarioReport } from '../lib/plan.js';
import { sendOnce, toolCall } from '../lib/requests.js';
import { median, percentile } from '../lib/stats.js';
import { isGoodToolResult } from './authorization-overhead.js';
import { finishReport, startClock } from './report-parts.js';

const STEPS = ['register', 'authorize + login + consent', 'token', 'first tools/call'] as const;
type Step = (typeof STEPS)[number];

interface Dance {
  totalMs: number;
  steps: Record<Step, number>;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

async function dance(
  origin: string,
  resource: string,
  password: string,
  id: number,
): Promise<Dance> {
  const started = performance.now();
  const [registered, register] = await timed(async () => {
    const response = await fetch(`${origin}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: `bench dance ${id}`,
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
      }),
    });
    if (response.status !== 201) throw new Error(`register answered ${response.status}`);
    return (await response.json()) as { client_id: string };
  });
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${origin}/authorize`);
  for (const [key, value] of Object.entries({
    response_type: 'code',
    client_id: registered.client_id,
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    scope: SCOPE,
    resource,
    state: `s${id}`,
  })) {
    url.searchParams.set(key, value);
  }
  const [callback, authorize] = await timed(() =>
    signInAndConsent(new PageAgent(fetch, origin), url.toString(), {
      username: BENCH_USERNAME,
      password,
    }),
  );
  const code = callback.searchParams.get('code');
  if (code === null) throw new Error(`no code in ${callback.pathname}`);
  const [accessToken, token] = await timed(async () => {
    const response = await fetch(`${origin}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
        client_id: registered.client_id,
      }).toString(),
    });
    if (response.status !== 200) throw new Error(`token answered ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  });
  const [, call] = await timed(async () => {
    const { status, text } = await sendOnce(origin, toolCall(accessToken, 1));
    if (status !== 200 || !isGoodToolResult(text)) throw new Error(`tools/call answered ${status}`);
  });
  return {
    totalMs: performance.now() - started,
    steps: {
      register,
      'authorize + login + consent': authorize,
      token,
      'first tools/call': call,
    },
  };
}

/** Runs scenario 4. */
export async function wholeDance(
  lab: Lab,
  plan: Plan,
  progress: Progress,
): Promise<ScenarioReport> {
  const clock = startClock();
  const store = await lab.store('disk');
  const server = await lab.gateway('all');
  const origin = server.url;
  // A warm-up dance, not counted.
  await dance(origin, store.fixture.resource, store.fixture.password, 0);
  const runs: Dance[][] = [];
  for (let run = 0; run < plan.runs; run++) {
    progress(`scenario 4: run ${run + 1}/${plan.runs} (${plan.dances} dances)`);
    const dances: Dance[] = [];
    for (let i = 0; i < plan.dances; i++) {
      dances.push(
        await dance(origin, store.fixture.resource, store.fixture.password, run * 1000 + i + 1),
      );
    }
    runs.push(dances);
  }
  const perRun = runs.map((dances) => {
    const totals = dances.map((d) => d.totalMs).sort((a, b) => a - b);
    return { p50: percentile(totals, 50), p99: percentile(totals, 99) };
  });
  const stepMedians = Object.fromEntries(
    STEPS.map((step) => [step, median(runs.flat().map((d) => d.steps[step]))]),
  ) as Record<Step, number>;
  const data = {
    p50: median(perRun.map((r) => r.p50)),
    p99: median(perRun.map((r) => r.p99)),
    perRun,
    stepMedians,
    dances: runs.flat().length,
  };
  const markdown = [
    `One dance at a time against \`serve\` (SQLite on disk), ${plan.dances} dances per run; p50/p99 per run, then the median over ${plan.runs} runs. Each dance registers a new client and signs in with a new session (one argon2id verification).`,
    '',
    table(['dances', 'p50 ms', 'p99 ms'], [[String(data.dances), ms(data.p50), ms(data.p99)]]),
    '',
    table(
      ['step', 'median ms'],
      STEPS.map((step) => [step, ms(stepMedians[step])]),
    ),
  ].join('\n');
  return finishReport(clock, {
    id: 4,
    title: 'The whole dance without the person',
    markdown,
    data,
    errors: 0,
  });
}
