import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: verify's 60 runs take 40-60 s on a loaded 2-core machine.
    testTimeout: 120_000,
    // `iovsim run` shards itself inside a scheduler's job array: not the tests' runs.
    env: Object.fromEntries(
      [
        'SLURM_ARRAY_TASK_ID',
        'SLURM_ARRAY_TASK_COUNT',
        'SLURM_ARRAY_TASK_MIN',
        'SLURM_ARRAY_TASK_MAX',
        'SLURM_ARRAY_TASK_STEP',
        'JOB_COMPLETION_INDEX',
        'AWS_BATCH_JOB_ARRAY_INDEX',
        'AWS_BATCH_JOB_ARRAY_SIZE',
        'IOVSIM_SHARD_COUNT',
      ].map((k) => [k, '']),
    ),
    // Temporary folders of every test live under one folder, removed when the run ends.
    globalSetup: ['test/support/tmp.ts'],
  },
});
