import type { RunResult } from '../model/result.js';
import type { Experiment } from '../scenario/resolve.js';
import { runTask } from './task.js';

export { InvariantError } from './task.js';

export interface ExperimentHooks {
  /** Called when a run misses a statistical law's tolerance (Little's law, the utilization law). */
  onWarning?: (message: string) => void;
}

/** Runs every path of one experiment (one point, one replication) in this thread, checking the laws of each run. */
export function runExperiment(exp: Experiment, hooks: ExperimentHooks = {}): RunResult[] {
  return exp.paths.map((path) => {
    const { result, warnings } = runTask({ config: exp.config, path, warmupAuto: exp.warmupAuto, label: exp.name });
    warnings.forEach((w) => hooks.onWarning?.(w));
    return result;
  });
}
