import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { theoryFor, verify, verifyRow, type VerifyResult } from '../src/experiment/verify.js';
import { planFile } from '../src/scenario/plan.js';
import {
  erlangC,
  md1Sojourn,
  mg1Sojourn,
  mm1kLoss,
  mm1Sojourn,
  mmcSojourn,
  secondMoment,
} from '../src/stats/queueing.js';
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

describe('theory comes from the declared queueing model, not from the hops', () => {
  const station = (mean: string, distribution: unknown = 'exponential', extra: Record<string, unknown> = {}) => ({
    service_mean: mean,
    distribution,
    ...extra,
  });
  const hop = (cycles: number, service: unknown, extra: Record<string, unknown> = {}) => ({
    kind: 'cpu',
    name: 's',
    core: 0,
    instances: 'shared',
    ring: 1_000_000,
    notify: { kind: 'poll' },
    work: [{ cause: 'guest', cycles }],
    service,
    ...extra,
  });
  const scenario = (rx: unknown[], stations: unknown[], metric = 'mean_time_in_system') => ({
    host: { cores: 4, clock: '2 GHz' },
    vms: { count: 2 },
    traffic: { load: '1 Mpps', arrivals: 'poisson', frame_bytes: 64 },
    paths: ['q'],
    custom_paths: { q: { base: 'native', rx } },
    validation: { metric, arrival_rate: '1 Mpps', stations },
  });
  const theory = (data: Record<string, unknown>) => theoryFor(experiment(data).validation!);

  it('M/M/1 from the declared rates: lambda 1 per us, mean 500 ns, W = 1 / (2 - 1) us', () => {
    expect(theory(scenario([hop(1000, 'exponential')], [station('500 ns')])).value).toBeCloseTo(1, 9);
  });

  it('ignores the hops: the same declaration with other cycles gives the same theory', () => {
    const a = theory(scenario([hop(1000, 'exponential')], [station('500 ns')]));
    const b = theory(scenario([hop(1050, 'exponential')], [station('500 ns')]));
    expect(b.value).toBe(a.value);
  });

  it("tandem stations add up (Jackson); M/G/1 uses the service time's second moment", () => {
    const t = theory(
      scenario(
        [hop(1000, 'exponential'), { ...hop(1000, 'exponential'), name: 't', core: 1 }],
        [station('500 ns'), station('500 ns')],
      ),
    );
    expect(t.value).toBeCloseTo(2, 9);
    expect(t.formula).toMatch(/Jackson/);
    // Uniform on [0, 1 us], mean 0.5 us, lambda 1/us: E[S^2] = 4/3 x 0.25 = 1/3; W = 0.5 + (1/3) / (2 x 0.5) = 0.8333 us.
    expect(theory(scenario([hop(1000, 'uniform')], [station('500 ns', 'uniform')])).value).toBeCloseTo(0.5 + 1 / 3, 9);
    // Erlang-2: E[S^2] = 1.5 x 0.25; W = 0.5 + 0.375 = 0.875 us.
    expect(theory(scenario([hop(1000, { erlang: 2 })], [station('500 ns', { erlang: 2 })])).value).toBeCloseTo(
      0.875,
      9,
    );
    expect(mg1Sojourn(1, 2, secondMoment('deterministic', 0.5))).toBeCloseTo(md1Sojourn(1, 2), 12);
  });

  it("refuses a declaration whose structure is not the scenario's, or that has no closed form", () => {
    expect(() => experiment(scenario([hop(1000, 'uniform')], [station('500 ns')]))).toThrow(
      /validation\.stations\[0\]\.distribution: expected the service of hop "s"/,
    );
    expect(() => experiment(scenario([hop(1000, 'exponential')], [station('500 ns'), station('500 ns')]))).toThrow(
      /one station per hop/,
    );
    expect(() => experiment(scenario([hop(1000, 'exponential')], [station('500 ns')], 'loss_probability'))).toThrow(
      /M\/M\/1\/K/,
    );
    expect(() => experiment(scenario([hop(1000, 'exponential')], [station('1200 ns')]))).toThrow(/utilization below 1/);
    expect(() =>
      experiment(
        scenario(
          [hop(1000, 'uniform'), { ...hop(1000, 'uniform'), name: 't', core: 1 }],
          [station('500 ns', 'uniform'), station('500 ns', 'uniform')],
        ),
      ),
    ).toThrow(/exponential service at every station of a tandem/);
  });
});

describe('the theory of every shipped case, by hand (lambda = 1 per us)', () => {
  const dir = join(__dirname, '..', 'scenarios', 'validation');
  const theoryOf = (name: string) => theoryFor(planFile(join(dir, `${name}.yaml`)).points[0].exp.validation!);
  // M/M/4 with a = lambda / mu = 3.2: Erlang C = (a^4/4! / (1 - 0.8)) / (1 + a + a^2/2 + a^3/6 + a^4/4! / (1 - 0.8)).
  const a = 3.2;
  const tail = a ** 4 / 24 / 0.2;
  const erlangC4 = tail / (1 + a + a ** 2 / 2 + a ** 3 / 6 + tail);
  const cases: [string, number, string][] = [
    ['mm1-rho0.5', 0.5 / (1 - 0.5), 'M/M/1 rho = 0.50'],
    ['mm1-rho0.9', 0.9 / (1 - 0.9), 'M/M/1 rho = 0.90'],
    // Pollaczek-Khinchine: W = s + lambda E[S^2] / (2 (1 - rho)), E[S^2] = (1 + Cs^2) s^2, s = 0.8 us.
    ['md1-rho0.8', 0.8 + (1 * 0.64) / 0.4, 'M/D/1 rho = 0.80 (Pollaczek-Khinchine)'],
    ['me2-1-rho0.8', 0.8 + (1.5 * 0.64) / 0.4, 'M/G/1 (Erlang-2) rho = 0.80 (Pollaczek-Khinchine)'],
    ['mg1-uniform-rho0.8', 0.8 + ((4 / 3) * 0.64) / 0.4, 'M/G/1 (uniform) rho = 0.80 (Pollaczek-Khinchine)'],
    ['mmc4-rho0.8', erlangC4 / (4 / 3.2 - 1) + 3.2, 'M/M/4 rho = 0.80 (Erlang C)'],
    ['tandem-mm1', 0.6 / 0.4 + 0.7 / 0.3, 'tandem (Jackson): M/M/1 rho = 0.60 + M/M/1 rho = 0.70'],
  ];
  for (const [name, w, formula] of cases) {
    it(`${name}: W = ${w.toFixed(4)} us`, () => {
      expect(theoryOf(name)).toEqual({ metric: 'mean_time_in_system', value: expect.closeTo(w, 9), formula });
    });
  }

  it('mm1k10-load1.2: the loss of M/M/1/K, (1 - rho) rho^K / (1 - rho^(K+1)) with rho 1.2, K 10', () => {
    expect(theoryOf('mm1k10-load1.2')).toEqual({
      metric: 'loss_probability',
      value: expect.closeTo((-0.2 * 1.2 ** 10) / (1 - 1.2 ** 11), 12),
      formula: 'M/M/1/K, K = 10, rho = 1.200',
    });
  });

  it("a row of verify's output: the metric with its unit, the interval in % of the mean, the verdict", () => {
    const result = (metric: 'mean_time_in_system' | 'loss_probability', pass: boolean): VerifyResult => ({
      name: 'c',
      theory: { metric, value: 2, formula: 'f' },
      sim: { n: 10, mean: 2.5, halfWidth: 0.05 },
      pass,
      why: pass ? 'ok' : 'theory outside the 95 % interval',
      lawFailures: [],
    });
    expect(verifyRow(result('mean_time_in_system', true))).toEqual({
      case: 'c',
      metric: 'mean_time_in_system_us',
      model: 'f',
      replications: 10,
      theory: 2,
      simulated_mean: 2.5,
      ci95_half_width: 0.05,
      ci95_half_width_pct: 2,
      result: 'pass',
      why: 'ok',
    });
    expect(verifyRow(result('loss_probability', false))).toMatchObject({
      metric: 'loss_probability',
      result: 'fail',
      why: 'theory outside the 95 % interval',
    });
  });

  it('runs the declared replications, each with its own seed, and checks each against the laws', () => {
    const exp = planFile(join(dir, 'mm1-rho0.5.yaml'), { durationNs: 8e6 }).points[0].exp;
    const r = verify({ ...exp, validation: { ...exp.validation!, replications: 3 } });
    expect(r.sim.n).toBe(3);
    expect(r.lawFailures).toEqual([]);
    // Each replication has its own seed: a third one moves the mean of the first two.
    const again = verify({ ...exp, validation: { ...exp.validation!, replications: 2 } });
    expect(again.sim.mean).not.toBe(r.sim.mean);
  });
});

describe('iovsim verify', () => {
  it('passes every shipped case: theory inside the 95 % interval, interval within 2 % of the mean', async () => {
    const out = mkdtempSync(join(tmpdir(), 'iovsim-verify-'));
    const r = await cli(['verify', '--out', out, '--quiet']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const names = [
      'mm1-rho0.5',
      'mm1-rho0.9',
      'md1-rho0.8',
      'mg1-uniform-rho0.8',
      'me2-1-rho0.8',
      'mmc4-rho0.8',
      'tandem-mm1',
      'mm1k10-load1.2',
    ];
    for (const name of names) expect(r.out).toMatch(new RegExp(`^${name.replace('.', '\\.')} .* pass$`, 'm'));
    expect(r.out).toMatch(new RegExp(`^${names.length} passed, 0 failed$`, 'm'));
    const csv = readFileSync(join(out, 'validation.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe(
      'case,metric,model,replications,theory,simulated_mean,ci95_half_width,ci95_half_width_pct,result,why',
    );
    // The sidecar names the built-in cases by their place in the package, with hash and seed.
    const meta = JSON.parse(readFileSync(join(out, 'validation.meta.json'), 'utf8'));
    expect(meta).toMatchObject({ format: 'iovsim-study/1', command: 'verify', node: process.version });
    expect(meta.scenarios).toHaveLength(names.length);
    for (const s of meta.scenarios) {
      expect(s.file).toMatch(/^scenarios\/validation\/[\w.-]+\.yaml$/);
      const bytes = readFileSync(new URL(`../${s.file}`, import.meta.url));
      expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    // 80 runs of 300-500 ms: about a minute on a quiet 2-core machine, so the default 60 s
    // failed it whenever the machine was busy.
  }, 180_000);

  it('fails (exit 4) when every service takes 5 % longer than declared: the theory does not follow the cost code', async () => {
    // A clock 5 % slow turns the same cycles into 5 % more time, as a cost pipeline biased by
    // 5 % would; the declared model, and so the theory, stay as they were.
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-verify-bad-'));
    const file = join(dir, 'biased.yaml');
    const text = readFileSync(new URL('../scenarios/validation/mm1-rho0.5.yaml', import.meta.url), 'utf8').replace(
      'clock: 1 GHz',
      'clock: 0.952381 GHz',
    );
    writeFileSync(file, text);
    const r = await cli(['verify', file, '--out', dir]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/FAIL \(theory outside the 95 % interval\)/);
    expect(r.out).toMatch(/^0 passed, 1 failed$/m);
    // It says where the CSV went: results/ of the current folder unless --out says otherwise.
    expect(r.err).toBe(`verify: wrote ${join(dir, 'validation.csv')}\n`);
  });

  it('fails when the interval is too wide to judge: too few packets for a 2 % interval', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-verify-wide-'));
    const file = join(dir, 'short.yaml');
    const text = readFileSync(new URL('../scenarios/validation/mm1-rho0.9.yaml', import.meta.url), 'utf8')
      .replace(/duration: .*/, 'duration: 10 ms')
      .replace('warmup: 5 ms', 'warmup: 1 ms');
    writeFileSync(file, text);
    const r = await cli(['verify', file, '--out', dir]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/FAIL \((interval wider|theory outside)/);
  });

  it('refuses a scenario that is not a validation case', async () => {
    const r = await cli([
      'verify',
      new URL('../scenarios/quickstart.yaml', import.meta.url).pathname,
      '--out',
      tmpdir(),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/quickstart\.yaml: validation: expected a validation: block, found nothing/);
  });
});
