import { runExperiment } from '../../src/experiment/run-experiment.js';
import type { RunResult } from '../../src/model/network.js';
import { validateScenario } from '../../src/scenario/load.js';
import { resolveScenario, type Experiment, type Overrides } from '../../src/scenario/resolve.js';

/** Builds an experiment from scenario data as a file would hold it. */
export function experiment(data: Record<string, unknown>, o: Overrides = {}): Experiment {
  return resolveScenario(validateScenario(data, 'test.yaml'), o);
}

/** Runs scenario data and returns the result per path name. */
export function run(data: Record<string, unknown>, o: Overrides = {}): Record<string, RunResult> {
  const results = runExperiment(experiment(data, o));
  return Object.fromEntries(results.map((r) => [r.path, r]));
}

export const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
