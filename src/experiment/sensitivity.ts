import { COST_NAMES, COSTS, type CostName } from '../model/costs.js';
import { planFile } from '../scenario/plan.js';
import type { Overrides } from '../scenario/resolve.js';
import { comparePlans, type ComparisonRow } from './compare.js';
import type { TaskRunner } from './pool.js';

/** The factors each cost is scaled by: a published check that fails at either depends on the cost. */
export const FACTORS = [0.75, 1.25] as const;

/**
 * A published check as one claim, however many rows it has: the R6 line rate checked at every
 * point of a sweep is one figure, counted once.
 */
export function checkKey(r: ComparisonRow): string {
  const scenario = String(r.scenario).replace(/ \(.*\)$/, '');
  return `${r.id} ${scenario} ${r.path} ${r.metric === 'claim' ? `claim: ${r.claim}` : r.metric}`;
}

/** Checks that hold: every row of the check passes. */
function passing(rows: ComparisonRow[]): Set<string> {
  const bad = new Set(rows.filter((r) => r.result === 'fail').map(checkKey));
  return new Set(rows.map(checkKey).filter((k) => !bad.has(k)));
}

export interface CostSensitivity {
  cost: CostName;
  default: number;
  /** Checks that hold at the defaults and fail with the cost x 0.75, and with it x 1.25. */
  failLow: string[];
  failHigh: string[];
}

export interface SensitivityOptions {
  runner: TaskRunner;
  concurrency: number;
  overrides?: Overrides;
  costs?: readonly CostName[];
  onProgress?: (done: number, total: number) => void;
}

/**
 * What the published checks constrain: every default cost scaled by 0.75 and by 1.25 in
 * turn, the comparison run again, and the checks that held at the defaults and no longer hold
 * listed. A cost no check depends on is unconstrained by the published set.
 */
export async function sensitivity(
  files: string[],
  o: SensitivityOptions,
): Promise<{ checks: string[]; costs: CostSensitivity[] }> {
  const run = async (costFactors?: Partial<Record<CostName, number>>) => {
    const overrides = { ...o.overrides, costFactors };
    return comparePlans(
      files.map((f) => planFile(f, overrides)),
      { runner: o.runner, concurrency: o.concurrency, overrides },
    );
  };
  const base = passing(await run());
  const costs = o.costs ?? COST_NAMES;
  const out: CostSensitivity[] = [];
  let done = 0;
  for (const cost of costs) {
    const fails: string[][] = [];
    for (const f of FACTORS) {
      const held = passing(await run({ [cost]: f }));
      fails.push([...base].filter((k) => !held.has(k)));
      o.onProgress?.(++done, costs.length * FACTORS.length);
    }
    out.push({ cost, default: COSTS[cost].default, failLow: fails[0], failHigh: fails[1] });
  }
  return { checks: [...base], costs: out };
}
