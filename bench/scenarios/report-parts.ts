/** What every scenario records about itself: time taken and machine load around it. */
import { loadavg } from 'node:os';
import type { ScenarioReport } from '../lib/plan.js';

export interface ScenarioClock {
  started: number;
  loadBefore: number[];
}

export function startClock(): ScenarioClock {
  return { started: performance.now(), loadBefore: loadavg() };
}

export function finishReport(
  clock: ScenarioClock,
  parts: Pick<ScenarioReport, 'id' | 'title' | 'markdown' | 'data' | 'errors'>,
): ScenarioReport {
  return {
    ...parts,
    loadBefore: clock.loadBefore,
    loadAfter: loadavg(),
    seconds: (performance.now() - clock.started) / 1000,
  };
}
