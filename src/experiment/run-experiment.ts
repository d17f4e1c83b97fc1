import { runPath, type RunResult } from '../model/network.js';
import type { Experiment } from '../scenario/resolve.js';

/** Raised when a run breaks an invariant the model must always keep: a bug, not bad input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/**
 * Runs every path of an experiment in turn and checks each run's packet conservation:
 * offered = delivered + dropped + in flight, exactly.
 */
export function runExperiment(exp: Experiment, onPath?: (name: string, i: number, n: number) => void): RunResult[] {
  return exp.paths.map((path, i) => {
    onPath?.(path.name, i, exp.paths.length);
    const r = runPath(exp.config, path);
    const c = r.conservation;
    if (c.offered !== c.delivered + c.dropped + c.inFlight) {
      throw new InvariantError(
        `${exp.name}/${path.name}: packets not conserved: offered ${c.offered} != delivered ${c.delivered} + dropped ${c.dropped} + in flight ${c.inFlight}`,
      );
    }
    return r;
  });
}
