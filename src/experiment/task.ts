import type { ModelConfig } from '../model/config.js';
import { runPath } from '../model/network.js';
import type { ResolvedPath, RunResult } from '../model/result.js';
import { mser5 } from '../stats/mser.js';
import { checkLaws } from './laws.js';

/** One run: a config and a path. Plain data, so it can cross to a worker thread. */
export interface Task {
  config: ModelConfig;
  path: ResolvedPath;
  /** Choose the warm-up by MSER-5 on a pilot run first. */
  warmupAuto: boolean;
  /** For messages: which scenario this run belongs to. */
  label: string;
}

export interface TaskOutput {
  result: RunResult;
  /** Statistical laws (Little's, utilization) that missed their tolerance. */
  warnings: string[];
}

/** Raised when a run breaks a law the model must always keep exactly: a bug, not bad input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

const PILOT_BUCKETS = 500;

/**
 * Runs a task and checks its operational laws: an exact law broken throws InvariantError;
 * a statistical one missed becomes a warning. With an automatic warm-up, a pilot run with
 * no warm-up records latency in 500 time buckets, MSER-5 picks the truncation point, and
 * the run is repeated with that warm-up (result.warmupNs says which). `onProgress` hears the
 * share of the task done (the studio's progress bar); it changes nothing in the result.
 */
export function runTask(task: Task, onProgress?: (done: number) => void): TaskOutput {
  let config = task.config;
  let progress = onProgress;
  if (task.warmupAuto) {
    const pilot = runPath(
      { ...config, warmupNs: 0, latencyBuckets: PILOT_BUCKETS },
      task.path,
      onProgress && ((done) => onProgress(done / 2)),
    );
    progress = onProgress && ((done) => onProgress(0.5 + done / 2));
    const series = pilot.latencySeries!;
    const drop = mser5(series.sums, series.counts);
    config = { ...config, warmupNs: (drop * config.durationNs) / PILOT_BUCKETS };
  }
  const result = runPath(config, task.path, progress);
  const warnings: string[] = [];
  for (const check of checkLaws(result, config, task.path)) {
    if (check.ok) continue;
    const message = `${task.label}/${task.path.name}: ${check.law} does not hold: ${check.detail}`;
    if (check.exact) throw new InvariantError(message);
    warnings.push(message);
  }
  return { result, warnings };
}
