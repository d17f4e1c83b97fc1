import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { theoryFor } from '../src/experiment/verify.js';
import { erlangC, md1Sojourn, mm1kLoss, mm1Sojourn, mmcSojourn } from '../src/stats/queueing.js';
import { cli } from './support/cli.js';
import { experiment } from './support/scenario.js';

describe('closed forms', () => {
  it('match hand-computed values', () => {
    expect(mm1Sojourn(1, 2)).toBeCloseTo(1, 12);
    // M/D/1 at rho 0.8, mu 1: 1 + 0.8 / (2 x 0.2) = 3.
    expect(md1Sojourn(0.8, 1)).toBeCloseTo(3, 12);
    // Erlang C for c = 1 is rho; M/M/1 is M/M/c with c = 1.
    expect(erlangC(1, 0.7, 1)).toBeCloseTo(0.7, 12);
    expect(mmcSojourn(1, 0.7, 1)).toBeCloseTo(mm1Sojourn(0.7, 1), 12);
    // Erlang C(2, a = 1): (1/2 / (1/2)) / (1 + 1 + 1) = 1/3.
    expect(erlangC(2, 1, 1)).toBeCloseTo(1 / 3, 12);
    // M/M/1/K at rho = 1 loses 1 / (K + 1).
    expect(mm1kLoss(1, 1, 10)).toBeCloseTo(1 / 11, 12);
    expect(mm1kLoss(1.2, 1, 10)).toBeCloseTo((-0.2 * 1.2 ** 10) / (1 - 1.2 ** 11), 12);
  });
});

describe('theory is derived from the scenario itself', () => {
  const station = (cycles: number, service: string, extra: Record<string, unknown> = {}) => ({
    kind: 'cpu', name: 's', core: 0, instances: 'shared', ring: 1_000_000, notify: { kind: 'poll' },
    work: [{ cause: 'guest', cycles }], service, ...extra,
  });
  const scenario = (rx: unknown[], metric = 'mean_time_in_system') => ({
    host: { cores: 4, clock: '2 GHz' },
    vms: { count: 2 },
    traffic: { load: '1 Mpps', arrivals: 'poisson', frame_bytes: 64 },
    paths: ['q'],
    custom_paths: { q: { base: 'native', rx } },
    validation: { metric },
  });

  it('M/M/1 from the clock, cycles and the load summed over VMs', () => {
    // 1000 cycles at 2 GHz = 500 ns; lambda 1 per us: W = 1 / (2 - 1) us.
    expect(theoryFor(experiment(scenario([station(1000, 'exponential')]))).value).toBeCloseTo(1, 9);
  });

  it('tandem stations add up', () => {
    const t = theoryFor(experiment(scenario([station(1000, 'exponential'), { ...station(1000, 'deterministic'), name: 't', core: 1 }])));
    expect(t.value).toBeCloseTo(1 + md1Sojourn(1, 2), 9);
    expect(t.formula).toMatch(/Jackson/);
  });

  it('refuses what it has no closed form for', () => {
    expect(() => theoryFor(experiment(scenario([station(1000, 'uniform')])))).toThrow(/M\/M\/c or M\/D\/1/);
    expect(() => theoryFor(experiment(scenario([station(1000, 'exponential')], 'loss_probability')))).toThrow(/M\/M\/1\/K/);
  });
});

describe('iovsim verify', () => {
  it('passes every shipped case: theory inside the 95 % interval, interval within 2 % of the mean', async () => {
    const out = mkdtempSync(join(tmpdir(), 'iovsim-verify-'));
    const r = await cli(['verify', '--out', out, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const name of ['mm1-rho0.5', 'mm1-rho0.9', 'md1-rho0.8', 'mmc4-rho0.8', 'tandem-mm1', 'mm1k10-load1.2']) {
      expect(r.out).toMatch(new RegExp(`^${name.replace('.', '\\.')} .* pass$`, 'm'));
    }
    expect(r.out).toMatch(/^6 passed, 0 failed$/m);
    const csv = readFileSync(join(out, 'validation.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('case,metric,model,replications,theory,simulated_mean,ci95_half_width,ci95_half_width_pct,result,why');
  });

  it('fails, and exits non-zero, when theory and simulation disagree', async () => {
    // A station that is really uniform, declared to the check as exponential would need code;
    // instead: an M/M/1 case with too few packets cannot reach a 2 % interval.
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-verify-bad-'));
    const file = join(dir, 'short.yaml');
    const text = readFileSync(new URL('../scenarios/validation/mm1-rho0.9.yaml', import.meta.url), 'utf8').replace('duration: 2 s', 'duration: 10 ms').replace('warmup: 5 ms', 'warmup: 1 ms');
    (await import('node:fs')).writeFileSync(file, text);
    const r = await cli(['verify', file, '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL/);
    expect(r.out).toMatch(/^0 passed, 1 failed$/m);
  });

  it('refuses a scenario that is not a validation case', async () => {
    const r = await cli(['verify', new URL('../scenarios/quickstart.yaml', import.meta.url).pathname, '--out', tmpdir()]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/quickstart\.yaml: validation: expected a validation: block, found nothing/);
  });
});
