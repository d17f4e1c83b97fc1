import { runPath, type RunResult } from '../model/network.js';
import type { Experiment } from '../scenario/resolve.js';
import { checkLaws } from './laws.js';

/** Raised when a run breaks a law the model must always keep exactly: a bug, not bad input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

export interface ExperimentHooks {
  /** Called before each path runs. */
  onPath?: (name: string, i: number, n: number) => void;
  /** Called when a run misses a statistical law's tolerance (Little's law, the utilization law). */
  onWarning?: (message: string) => void;
}

/**
 * Runs every path of an experiment in turn and checks each run's operational laws
 * (laws.ts): an exact law broken is an InvariantError; a statistical one missed is a warning.
 */
export function runExperiment(exp: Experiment, hooks: ExperimentHooks = {}): RunResult[] {
  return exp.paths.map((path, i) => {
    hooks.onPath?.(path.name, i, exp.paths.length);
    const r = runPath(exp.config, path);
    for (const check of checkLaws(r)) {
      if (check.ok) continue;
      const message = `${exp.name}/${path.name}: ${check.law} does not hold: ${check.detail}`;
      if (check.exact) throw new InvariantError(message);
      hooks.onWarning?.(message);
    }
    return r;
  });
}
