// Setup file of vitest.mutation.config.ts, i.e. only under Stryker (npm run mutation).
import { beforeAll, beforeEach, vi } from 'vitest';

// Stryker activates a mutant in this thread only (globalThis.__stryker__.activeMutant), but the CLI's
// default --jobs and WorkerPool run the model on worker threads, and one test spawns
// bin/iovsim.js. Stryker's build step compiles the instrumented sources into the sandbox's dist/,
// and instrumented code reads the active mutant from this variable when its thread has none, so
// worker threads and child processes run the same mutant as the test that started them.
// Registered after Stryker's own setup file, so this runs after it has set the mutant.
beforeAll(() => {
  const id = (globalThis as { __stryker__?: { activeMutant?: string | number } }).__stryker__?.activeMutant;
  if (id === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
  else process.env.__STRYKER_ACTIVE_MUTANT__ = String(id);
});

// Tests left out of mutation runs because one of them costs more than all the others together.
const SLOW = [
  // test/verify.test.ts: every validation scenario at full length, about 16-25 s; the closed-form
  // tests beside it stay in.
  'passes every shipped case',
];

beforeEach((ctx) => {
  if (SLOW.some((s) => ctx.task.name.startsWith(s))) ctx.skip();
});

// The CLI's default --jobs is one worker thread per core. Code on a worker thread reports no
// coverage to Stryker and has no hit limit (a mutant that loops forever there costs a full
// timeout), so under Stryker the default is one job, i.e. the CLI runs every task in the test's
// own thread. Output does not depend on --jobs (test/experiments.test.ts); the tests that ask for
// worker threads by name still get them.
vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:os')>()),
  availableParallelism: () => 1,
}));
