/**
 * Scenario 3: `POST /introspect` by a resource server with its client
 * credential (HTTP Basic), for active access tokens, against
 * oidc-provider's introspection endpoint in the same run.
 */
import type { AuthServerSide, Lab } from '../lib/lab.js';
import { runLoad } from '../lib/load.js';
import type { Plan, Progress, ScenarioReport } from '../lib/plan.js';
import { expectOk, introspection } from '../lib/requests.js';
import { finishReport, startClock } from './report-parts.js';
import { postgresNote, startSides, versus, versusMarkdown } from './versus.js';

export const INTROSPECTION_TARGET = 1.5;

const isActive = (body: string): boolean => body.includes('"active":true');

/** Runs scenario 3. */
export async function introspectionEndpoint(
  lab: Lab,
  plan: Plan,
  progress: Progress,
): Promise<ScenarioReport> {
  const clock = startClock();
  progress('scenario 3: starting servers');
  const sides = await startSides(lab, plan);
  const pools = new Map<AuthServerSide, string[]>();
  for (const side of sides.values()) {
    const pool = await side.mint('access', plan.tokenPool);
    pools.set(side, pool);
    await expectOk(
      `introspection at ${side.label}`,
      side.url,
      introspection(side.introspectionAuthorization, pool[0] ?? ''),
      isActive,
    );
  }
  const result = await versus(sides, plan, progress, 'scenario 3', (side, warmup) => {
    const pool = pools.get(side) ?? [];
    let i = 0;
    return runLoad({
      url: side.url,
      connections: plan.connections,
      seconds: warmup ? plan.warmupSeconds : plan.seconds,
      next: () => introspection(side.introspectionAuthorization, pool[i++ % pool.length] ?? ''),
    });
  });
  const markdown = [
    `A resource server (client_secret_basic) introspecting ${plan.tokenPool} active, audience-bound opaque access tokens in rotation; ${plan.connections} connections, ${plan.seconds} s per run; medians of ${plan.runs} runs, the ${sides.size} servers alternated.` +
      postgresNote(lab, sides),
    '',
    versusMarkdown(result, INTROSPECTION_TARGET),
  ].join('\n');
  return finishReport(clock, {
    id: 3,
    title: 'Introspection',
    markdown,
    data: result,
    errors: result.errors,
  });
}
