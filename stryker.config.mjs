// Mutation testing: npm run mutation (not part of npm test). See results/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/model/**/*.ts', 'src/engine/**/*.ts', 'src/stats/**/*.ts', 'src/experiment/**/*.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Compiles the instrumented sources into the sandbox's dist/, which worker threads and
  // bin/iovsim.js load (see test/support/mutation-setup.ts).
  buildCommand: 'npm run build',
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // test/model.test.ts runs the quickstart in a describe body, outside any test, which makes almost
  // every mutant of src/model and src/engine "static": Stryker would run the whole suite, with a
  // fresh module graph, for each of them. Run each such mutant with the tests that cover it instead;
  // a mutant that only module loading reaches (a table at the top of a file) is ignored.
  ignoreStatic: true,
  // Stryker restarts a test runner after each timeout, and the new runner's first run also
  // transforms and imports every file: with the default 5 s on top of the expected time, that
  // run timed out too, and so on down a file (equivalent mutants reported as Timeout). Infinite
  // loops in the test's thread still end at once on Stryker's hit limit.
  timeoutMS: 15_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  fileLogLevel: 'info', // stryker.log: scripts/mutation-summary.mjs reads the time it took
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
