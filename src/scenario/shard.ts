import { InputError } from '../errors.js';
import type { Shard } from './provenance.js';

/** The most shards a study may be split into. */
export const MAX_SHARDS = 100_000;

const WHOLE = /^(0|[1-9][0-9]*)$/;

/** Where the shard came from, for a message on stderr. */
export interface FoundShard extends Shard {
  from: string;
}

const count = (text: string, field: string): number => {
  const n = Number(text);
  if (!WHOLE.test(text.trim()) || n < 1 || n > MAX_SHARDS)
    throw new InputError(field, `a shard count, a whole number from 1 to ${MAX_SHARDS}`, JSON.stringify(text));
  return n;
};

const index = (text: string, field: string): number => {
  if (!WHOLE.test(text.trim()))
    throw new InputError(field, 'a shard index, a whole number from 0', JSON.stringify(text));
  return Number(text);
};

/**
 * The shard this process runs, if any. `--shard i/n` always wins (`--shard none`: the whole
 * study, whatever the environment says). Without it, a scheduler's array index:
 *
 * - Slurm: SLURM_ARRAY_TASK_ID, with SLURM_ARRAY_TASK_COUNT (or SLURM_ARRAY_TASK_MAX + 1 for
 *   an array from 0);
 * - Kubernetes Indexed Job: JOB_COMPLETION_INDEX, with the count from --shard-count or
 *   IOVSIM_SHARD_COUNT (Kubernetes does not say it);
 * - AWS Batch array job: AWS_BATCH_JOB_ARRAY_INDEX with AWS_BATCH_JOB_ARRAY_SIZE.
 *
 * --shard-count, or else IOVSIM_SHARD_COUNT, overrides the scheduler's count: a retried
 * Slurm task sees an array of one. The first scheduler whose index is set decides; a count
 * that cannot be had is bad input rather than a silent run of the whole study in every task.
 */
export function shardOf(
  arg: string | undefined,
  countArg: number | undefined,
  env: Record<string, string | undefined>,
): FoundShard | undefined {
  const override =
    countArg !== undefined
      ? count(String(countArg), '--shard-count')
      : env.IOVSIM_SHARD_COUNT !== undefined && env.IOVSIM_SHARD_COUNT.trim() !== ''
        ? count(env.IOVSIM_SHARD_COUNT, 'IOVSIM_SHARD_COUNT')
        : undefined;
  const overrideFrom = countArg !== undefined ? '--shard-count' : 'IOVSIM_SHARD_COUNT';
  if (arg !== undefined) {
    if (arg.trim() === 'none') return undefined;
    const m = /^\s*([0-9]+)\s*\/\s*([0-9]+)\s*$/.exec(arg);
    if (!m) throw new InputError('--shard', 'i/n, shard i (from 0) of n, such as 3/16; or none', JSON.stringify(arg));
    const n = count(m[2], '--shard');
    const i = index(m[1], '--shard');
    if (i >= n) throw new InputError('--shard', `an index below the count (0 to ${n - 1} of ${n})`, arg);
    if (countArg !== undefined && countArg !== n)
      throw new InputError('--shard-count', `the count of --shard ${arg} (${n}), or nothing`, String(countArg));
    return { index: i, count: n, from: '--shard' };
  }
  const pick = (idxVar: string, i: number, n: number | undefined, nFrom: string, hint: string): FoundShard => {
    if (n === undefined)
      throw new InputError(idxVar, `a shard count beside it (${hint})`, `${idxVar}=${env[idxVar]} alone`);
    if (i >= n)
      throw new InputError(
        idxVar,
        `an index below the shard count ${n} (from ${nFrom}; set IOVSIM_SHARD_COUNT to the study's count when rerunning one task)`,
        String(i),
      );
    return { index: i, count: n, from: `${idxVar} and ${nFrom}` };
  };
  const set = (v: string | undefined) => v !== undefined && v.trim() !== '';
  if (set(env.SLURM_ARRAY_TASK_ID)) {
    const i = index(env.SLURM_ARRAY_TASK_ID!, 'SLURM_ARRAY_TASK_ID');
    if (override !== undefined) return pick('SLURM_ARRAY_TASK_ID', i, override, overrideFrom, '');
    const step = env.SLURM_ARRAY_TASK_STEP;
    if (set(step) && step!.trim() !== '1')
      throw new InputError(
        'SLURM_ARRAY_TASK_STEP',
        'an array without a step (--array=0-N), or IOVSIM_SHARD_COUNT',
        JSON.stringify(step),
      );
    const min = env.SLURM_ARRAY_TASK_MIN;
    if (set(min) && min!.trim() !== '0')
      throw new InputError(
        'SLURM_ARRAY_TASK_MIN',
        'an array from 0 (--array=0-N), or IOVSIM_SHARD_COUNT when rerunning some of its tasks',
        JSON.stringify(min),
      );
    if (set(env.SLURM_ARRAY_TASK_COUNT))
      return pick(
        'SLURM_ARRAY_TASK_ID',
        i,
        count(env.SLURM_ARRAY_TASK_COUNT!, 'SLURM_ARRAY_TASK_COUNT'),
        'SLURM_ARRAY_TASK_COUNT',
        '',
      );
    if (set(env.SLURM_ARRAY_TASK_MAX))
      return pick(
        'SLURM_ARRAY_TASK_ID',
        i,
        index(env.SLURM_ARRAY_TASK_MAX!, 'SLURM_ARRAY_TASK_MAX') + 1,
        'SLURM_ARRAY_TASK_MAX',
        '',
      );
    return pick('SLURM_ARRAY_TASK_ID', i, undefined, '', 'SLURM_ARRAY_TASK_COUNT, or IOVSIM_SHARD_COUNT');
  }
  if (set(env.JOB_COMPLETION_INDEX)) {
    const i = index(env.JOB_COMPLETION_INDEX!, 'JOB_COMPLETION_INDEX');
    return pick('JOB_COMPLETION_INDEX', i, override, overrideFrom, '--shard-count n or IOVSIM_SHARD_COUNT=n');
  }
  if (set(env.AWS_BATCH_JOB_ARRAY_INDEX)) {
    const i = index(env.AWS_BATCH_JOB_ARRAY_INDEX!, 'AWS_BATCH_JOB_ARRAY_INDEX');
    if (override !== undefined) return pick('AWS_BATCH_JOB_ARRAY_INDEX', i, override, overrideFrom, '');
    const size = env.AWS_BATCH_JOB_ARRAY_SIZE;
    return pick(
      'AWS_BATCH_JOB_ARRAY_INDEX',
      i,
      set(size) ? count(size!, 'AWS_BATCH_JOB_ARRAY_SIZE') : undefined,
      'AWS_BATCH_JOB_ARRAY_SIZE',
      'AWS_BATCH_JOB_ARRAY_SIZE, or IOVSIM_SHARD_COUNT',
    );
  }
  if (countArg !== undefined)
    throw new InputError(
      '--shard-count',
      'a shard index with it: --shard i/n, or a scheduler array index (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX)',
      'none',
    );
  return undefined;
}
