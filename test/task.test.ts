import { describe, expect, it, vi } from 'vitest';
import type { LawCheck } from '../src/experiment/laws.js';
import { experiment } from './support/scenario.js';

// What runTask does with each kind of law that fails, apart from whether the model keeps it:
// the laws' verdicts are set by hand here (test/laws.test.ts checks the laws themselves).
const verdicts = vi.hoisted(() => ({ checks: [] as LawCheck[] }));
vi.mock('../src/experiment/laws.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/experiment/laws.js')>()),
  checkLaws: () => verdicts.checks,
}));
const { InvariantError, runTask } = await import('../src/experiment/task.js');

describe('runTask and the laws', () => {
  const exp = experiment({ duration: '2 ms', warmup: '1 ms', vms: { count: 1 }, paths: ['sriov'] });
  const task = { label: 'quick', config: exp.config, path: exp.paths[0], warmupAuto: false };
  const law = (name: string, exact: boolean, ok: boolean): LawCheck => ({
    law: name,
    exact,
    ok,
    detail: `${name} detail`,
  });

  it('passes a run whose laws all hold, with no warnings', () => {
    verdicts.checks = [law('conservation', true, true), law("Little's law", false, true)];
    const out = runTask(task);
    expect(out.warnings).toEqual([]);
    expect(out.result.deliveredPackets).toBeGreaterThan(0);
  });

  it('turns a statistical law missed into a warning naming the task, path and law', () => {
    verdicts.checks = [law('conservation', true, true), law("Little's law", false, false)];
    expect(runTask(task).warnings).toEqual(["quick/sriov: Little's law does not hold: Little's law detail"]);
  });

  it('throws an InvariantError for an exact law broken: a bug in the model, not bad input', () => {
    verdicts.checks = [law("Little's law", false, false), law('conservation', true, false)];
    let thrown: unknown;
    try {
      runTask(task);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvariantError);
    expect((thrown as Error).name).toBe('InvariantError');
    expect((thrown as Error).message).toBe('quick/sriov: conservation does not hold: conservation detail');
  });
});
