import { runExperiment } from '../../src/experiment/run-experiment.js';
import type { RunResult } from '../../src/model/result.js';
import { parseOverrides, type OverrideArgs } from '../../src/scenario/overrides.js';
import { planScenario } from '../../src/scenario/plan.js';
import type { Experiment } from '../../src/scenario/resolve.js';

/** Builds an experiment from scenario data as a file would hold it, with every check `run` makes. */
export function experiment(data: Record<string, unknown>, o: OverrideArgs = {}): Experiment {
  return planScenario(data, 'test.yaml', parseOverrides(o)).points[0].exp;
}

/** Runs scenario data and returns the result per path name. */
export function run(data: Record<string, unknown>, o: OverrideArgs = {}): Record<string, RunResult> {
  const results = runExperiment(experiment(data, o));
  return Object.fromEntries(results.map((r) => [r.path, r]));
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
