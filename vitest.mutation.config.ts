// The test suite as Stryker runs it (npm run mutation): the tests of vitest.config.ts less those
// that cannot judge a mutant, in an order that finds a failing test sooner. See stryker.config.mjs.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * Stryker stops a mutant's run at the first failing test (bail), so run the files that failed
 * last time first and then the quickest; vitest's own order runs the slowest first.
 */
class QuickFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (f: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${f.project.name}:${relative(this.ctx.config.root, f.moduleId)}`);
    const rank = (f: TestSpecification): [number, number] => {
      const r = last(f);
      return [r?.failed ? 0 : 1, r?.duration ?? 0];
    };
    return [...files].sort((a, b) => {
      const [fa, da] = rank(a);
      const [fb, db] = rank(b);
      return fa - fb || da - db;
    });
  }
}

export default mergeConfig(
  base,
  defineConfig({
    test: {
      setupFiles: ['test/support/mutation-setup.ts'],
      // A mutant that hangs a child process or a worker thread (a run that never ends) leaves its
      // test waiting for the suite's 120 s, or for Stryker's own timeout (2.5 x the covering
      // tests' time: minutes on the model's hot path). A test still waiting after a minute is
      // failed instead: the mutant is detected, as Stryker would count its timeout. (A test that
      // needs longer unmutated fails Stryker's initial run, which stops the chunk at once.) This
      // does not shorten a mutant that keeps the test's own thread busy: only Stryker's hit
      // limit and its timeout end those.
      testTimeout: 60_000,
      sequence: { sequencer: QuickFirst },
      exclude: [
        '**/node_modules/**',
        // Compares freshly run CSVs with the committed ones: any change of output fails it, so it
        // "kills" mutants without saying which property broke, and it is slow.
        'test/results.test.ts',
        // Drive headless Chromium; test the pages, not src/model, engine, stats or experiment.
        'test/report.e2e.test.ts',
        'test/studio.e2e.test.ts',
      ],
    },
  }),
);
