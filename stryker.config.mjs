// Mutation testing: npm run mutation (not part of npm test). See results/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: ['src/model/**/*.ts', 'src/engine/**/*.ts', 'src/stats/**/*.ts', 'src/experiment/**/*.ts'],
  testRunner: 'vitest',
  // A chunk may run its mutants with fewer tests (scripts/mutation.sh, `static=<config>`): the
  // report records which configuration it used.
  vitest: { configFile: process.env.IOVSIM_MUTATION_VITEST || 'vitest.mutation.config.ts' },
  // Compiles the instrumented sources into the sandbox's dist/, which worker threads and
  // bin/iovsim.js load (see test/support/mutation-setup.ts). Only tsc: `npm run build` also
  // bundles the studio with esbuild, which reads node_modules/ by path, and Stryker links
  // node_modules/ into the sandbox only after the build command; no test of the mutation run
  // needs the studio bundle (test/studio.e2e.test.ts is left out of it).
  buildCommand: 'npx tsc -p tsconfig.build.json',
  // The CLI's bundle (scripts/build-cli.mjs) is built from unmutated code and would run instead of
  // the mutant: left out, bin/iovsim.js runs tsc's dist/cli.
  ignorePatterns: ['dist/bundle', 'reports'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // test/model.test.ts runs the quickstart in a describe body, outside any test, which makes almost
  // every mutant of src/model and src/engine "static": Stryker would run the whole suite, with a
  // fresh module graph, for each of them. Run each such mutant with the tests that cover it instead.
  // That misjudges a mutant that only module loading reaches (a table at the top of a file): Stryker
  // gives it to whichever tests loaded the module first (those that import it lazily) and runs it
  // with those alone, so the tables of src/model (paths as data, platforms, costs) came out at
  // 17-80 % although a changed path spec fails most of the suite. Their chunk (scripts/mutation.sh,
  // `static`) sets IOVSIM_MUTATION_STATIC=run, which runs each static mutant with every test, or
  // with every test of a smaller configuration (`static=vitest.mutation-tables.config.ts`): the
  // whole suite for each of some 640 table mutants would take a day here.
  ignoreStatic: process.env.IOVSIM_MUTATION_STATIC !== 'run',
  // A mutant that runs longer than timeoutFactor x its tests' time in the initial run, plus
  // timeoutMS, counts as a timeout (detected). With Stryker's 1.5 and 5 s, equivalent mutants came
  // out as timeouts when other work shared the 2 cores (simulator.ts: `stopped = true`, 10 s
  // alone, timed out in a full run), so leave room; loops that never end in the test's own
  // thread are stopped at once by Stryker's hit limit anyway.
  timeoutFactor: 2.5,
  // The initial run of the whole suite with per-test coverage takes about 4 minutes here when the
  // machine is quiet; Stryker's default limit of 5 aborted a chunk while other work shared the cores.
  dryRunTimeoutMinutes: 15,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  fileLogLevel: 'info', // stryker.log: scripts/mutation-summary.mjs reads the time it took
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
