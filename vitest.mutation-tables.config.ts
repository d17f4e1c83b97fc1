// The tests Stryker runs each "static" mutant of the model's tables with (npm run mutation,
// chunk model-tables; see stryker.config.mjs and scripts/mutation.sh). A mutant that only module
// loading reaches (a path spec, a platform, a cost default) has no per-test coverage, so Stryker
// runs every test of its configuration for it: the whole suite is about three minutes here, and
// the tables hold some 640 such mutants. These 18 files read the tables and check what follows from
// them with their own assertions, in seconds. A mutant they all miss is counted as surviving even
// if another test would have failed: the chunk's score is a lower bound.
import mutation from './vitest.mutation.config.js';

export const TABLE_TESTS = [
  'test/paths.test.ts',
  'test/platforms.test.ts',
  'test/costs.test.ts',
  'test/work.test.ts',
  'test/network.test.ts',
  'test/mechanisms.test.ts',
  'test/schema.test.ts',
  'test/compare.test.ts',
  'test/sensitivity.test.ts',
  'test/model.test.ts',
  'test/docs.test.ts',
  'test/laws.test.ts',
  'test/api.test.ts',
  'test/criteria.test.ts',
  'test/core.test.ts',
  'test/cpu-station.test.ts',
  'test/traffic.test.ts',
  'test/modules-load.test.ts',
];

// The mutation run's configuration with its include replaced (mergeConfig would append to it).
export default { ...mutation, test: { ...mutation.test, include: TABLE_TESTS } };
