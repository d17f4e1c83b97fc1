import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Each module of the mutated layers loads, imported inside a test. A module that throws while
// loading (a table built from a helper that returns nothing, say) fails every test file that
// imports it statically, and a file that fails to load is not a failed test to Stryker's vitest
// runner: here it is one. The worker thread's entry is left out: it runs as a worker only.
const root = new URL('../src/', import.meta.url);
const modules = ['engine', 'stats', 'model', 'experiment'].flatMap((dir) =>
  readdirSync(new URL(dir, root))
    .filter((f) => f.endsWith('.ts') && !(dir === 'experiment' && f === 'worker.ts'))
    .map((f) => `${dir}/${f}`),
);

describe('the modules of src/engine, src/stats, src/model and src/experiment', () => {
  it('are all found', () => {
    expect(modules.length).toBeGreaterThan(30);
    expect(modules).toContain('model/paths.ts');
  });
  for (const m of modules) {
    it(`${m} loads`, async () => {
      await expect(import(new URL(m, root).href)).resolves.toBeTypeOf('object');
    });
  }
});
