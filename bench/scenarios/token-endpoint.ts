/**
 * Scenario 2: the token endpoint. `refresh_token` grants (each one
 * rotating, so each request needs a refresh token never used before) and
 * `authorization_code` redemptions (each code single-use, PKCE-bound),
 * against oidc-provider in the same run.
 *
 * Credentials are minted before each burst, outside the measurement: for
 * the gateway through its storage ports (bench/lib/gateway-fixture.ts), for
 * oidc-provider through its model API inside its own process. A burst then
 * sends exactly as many requests as were minted, each with the next unused
 * credential. Codes live 60 s on both sides, so they are minted per burst.
 */
import type { AuthServerSide, Lab } from '../lib/lab.js';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/load.js';
import type { Plan, Progress, ScenarioReport } from '../lib/plan.js';
import { codeGrant, expectOk, refreshGrant } from '../lib/requests.js';
import { finishReport, startClock } from './report-parts.js';
import { postgresNote, startSides, versus, versusMarkdown, type VersusResult } from './versus.js';

export const TOKEN_TARGET = 1.5;

type Grant = 'refresh' | 'code';

const build = (grant: Grant, side: AuthServerSide, value: string): LoadRequest =>
  grant === 'refresh'
    ? refreshGrant(side.publicClientId, value)
    : codeGrant(side.publicClientId, value);

const isTokenResponse = (body: string): boolean =>
  body.includes('"access_token"') && body.includes('"refresh_token"');

/** One burst of `amount` grants, each with a credential minted just before. */
async function burst(
  grant: Grant,
  side: AuthServerSide,
  connections: number,
  amount: number,
): Promise<LoadResult> {
  const pool = await side.mint(grant, amount);
  let i = 0;
  // An exhausted pool sends an unknown credential: it fails visibly, never silently reuses one.
  return runLoad({
    url: side.url,
    connections,
    amount,
    next: () => build(grant, side, pool[i++] ?? 'exhausted'),
  });
}

/** Runs scenario 2. */
export async function tokenEndpoint(
  lab: Lab,
  plan: Plan,
  progress: Progress,
): Promise<ScenarioReport> {
  const clock = startClock();
  progress('scenario 2: starting servers');
  const sides = await startSides(lab, plan);
  const results: Partial<Record<Grant, VersusResult>> = {};
  for (const grant of ['refresh', 'code'] as const) {
    const rates = new Map<AuthServerSide, number>();
    for (const side of sides.values()) {
      const [one] = await side.mint(grant, 1);
      await expectOk(
        `${grant} grant at ${side.label}`,
        side.url,
        build(grant, side, one ?? ''),
        isTokenResponse,
      );
    }
    results[grant] = await versus(
      sides,
      plan,
      progress,
      `scenario 2 (${grant})`,
      async (side, warmup) => {
        if (warmup) {
          const result = await burst(grant, side, plan.connections, plan.warmupAmount);
          rates.set(side, result.rps);
          return result;
        }
        // Sized from the warm-up so every burst lasts about plan.seconds.
        const amount = Math.max(100, Math.round((rates.get(side) ?? 500) * plan.seconds));
        return burst(grant, side, plan.connections, amount);
      },
    );
  }
  const refresh = results.refresh;
  const code = results.code;
  if (refresh === undefined || code === undefined) throw new Error('scenario 2 did not run');
  const markdown = [
    `Public client, PKCE S256, refresh rotation on both sides; ${plan.connections} connections; each burst sends as many grants as credentials were minted for it (about ${plan.seconds} s of work); medians of ${plan.runs} runs, the ${sides.size} servers alternated.` +
      postgresNote(lab, sides),
    '',
    '**`grant_type=refresh_token`** (each request rotates: the old refresh token is retired, a new pair issued)',
    '',
    versusMarkdown(refresh, TOKEN_TARGET),
    '',
    '**`grant_type=authorization_code`** (code + `code_verifier`; access and refresh token issued)',
    '',
    versusMarkdown(code, TOKEN_TARGET),
  ].join('\n');
  return finishReport(clock, {
    id: 2,
    title: 'Token endpoint',
    markdown,
    data: { refresh, code },
    errors: refresh.errors + code.errors,
  });
}
