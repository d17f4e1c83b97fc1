import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateExperiment } from '../src/experiment/estimate.js';
import { checkLaws, MIN_PACKETS } from '../src/experiment/laws.js';
import { runPath } from '../src/model/network.js';
import { experiment } from './support/scenario.js';
import { cli } from './support/cli.js';

const PATHS = ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'] as const;

/** The laws every run is checked against whatever its load (laws.ts): exact accounting and the two ceilings. */
const ALWAYS = [
  'conservation',
  'conservation of ACKs',
  'flow balance',
  'delivered = out of the last hop',
  'frames in system are in places',
  'core',
  'wire at most line rate',
];
/** A check's law without its hop or core: "flow balance, hop guest" -> "flow balance". */
const lawOf = (law: string): string =>
  law.startsWith('flow balance')
    ? 'flow balance'
    : law.startsWith('utilization law')
      ? 'utilization law'
      : /^core \d+ at most/.test(law)
        ? 'core'
        : law;

describe('random valid scenarios hold every invariant', () => {
  it('any path, 1-64 VMs, 64-9000 B frames, loads uniform over 0-150 % of line rate, both directions', () => {
    const RUNS = 60;
    /** Per law: the cases it was checked in, the cases it should have been, and both. */
    const seen = new Map<string, { ran: number; should: number; both: number }>();
    const count = (law: string, ran: boolean, should: boolean) => {
      const c = seen.get(law) ?? { ran: 0, should: 0, both: 0 };
      c.ran += Number(ran);
      c.should += Number(should);
      c.both += Number(ran && should);
      seen.set(law, c);
    };
    const loads: number[] = [];
    fc.assert(
      fc.property(
        fc.constantFrom(...PATHS),
        fc.noBias(fc.integer({ min: 1, max: 64 })),
        fc.noBias(fc.integer({ min: 64, max: 9000 })),
        // The load in steps of 0.01 % of line rate, every step equally likely (noBias: fast-check
        // otherwise favours the bounds, and fc.double piles up at them); still shrinks towards 0.
        fc.noBias(fc.integer({ min: 0, max: 15_000 })),
        fc.constantFrom('rx', 'tx'),
        fc.constantFrom('constant', 'poisson'),
        fc.noBias(fc.integer({ min: 0, max: 1000 })),
        (path, vms, frame, load, direction, arrivals, seed) => {
          const share = load / 10_000;
          // Offered load as a share of line rate, in wire bits.
          const gbps = (x: number) => ((10 * x * frame) / (frame + 20)).toFixed(6);
          const data = (x: number) => ({
            seed,
            duration: '20 ms',
            warmup: '0.5 ms',
            nic: { vmdq_pools: 64, vfs: 64 },
            vms: { count: vms },
            traffic: { direction, load: `${gbps(x)} Gbit/s`, frame_bytes: frame, arrivals },
            paths: [path],
          });
          const exp = experiment(data(share));
          const r = runPath(exp.config, exp.paths[0]);
          const checks = checkLaws(r, exp.config, exp.paths[0]);
          expect(checks.filter((c) => !c.ok)).toEqual([]);
          const c = r.conservation;
          expect(c.offered).toBe(c.delivered + c.dropped + c.inFlight);

          // Where each law should be checked, from the inputs alone: the frames offered in the
          // window, and the load against what the path can carry by the estimate's upper bound
          // (its capacity at a load beyond any path's).
          const frames = (Number(gbps(share)) * 1e9 * (r.windowNs / 1e9)) / (8 * frame);
          const capacity = estimateExperiment(experiment(data(2)))[0].deliveredGbps;
          const rho = Number(gbps(share)) / capacity;
          const ran = new Set(checks.map((k) => lawOf(k.law)));
          for (const law of ALWAYS) count(law, ran.has(law), true);
          // Cores that served enough packets: there are at least 2,000 frames to serve.
          count('utilization law', ran.has('utilization law'), frames >= 2000);
          // A window long against the time in system: a stable system (at most 80 % of capacity)
          // with at least twice the departures the law asks for.
          count("Little's law", ran.has("Little's law"), rho <= 0.8 && frames >= 2 * MIN_PACKETS);
          loads.push(share);
        },
      ),
      { numRuns: RUNS, seed: 42 },
    );
    expect(loads).toHaveLength(RUNS);
    // Loads cover the range: each third of 0-150 % holds at least a fifth of the cases.
    for (const [lo, hi] of [
      [0, 0.5],
      [0.5, 1],
      [1, 1.5],
    ]) {
      expect(loads.filter((x) => x >= lo && x < hi).length, `loads in [${lo}, ${hi})`).toBeGreaterThanOrEqual(RUNS / 5);
    }
    for (const law of ALWAYS) expect(seen.get(law)?.ran, law).toBe(RUNS);
    for (const law of ['utilization law', "Little's law"]) {
      const { should, both } = seen.get(law)!;
      // The scenarios give the law a fair share of cases, and it ran in at least half of them.
      expect(should, `${law}: cases where it should run`).toBeGreaterThanOrEqual(RUNS / 5);
      expect(both, `${law}: ran in ${both} of the ${should} cases where it should`).toBeGreaterThanOrEqual(should / 2);
    }
  });
});

/** Fields and values that are always wrong for them. */
const BAD: [string[], fc.Arbitrary<unknown>][] = [
  [
    ['host', 'cores'],
    fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.01, max: 0.99 }), fc.string(), fc.boolean(), fc.constant(null)),
  ],
  [
    ['host', 'clock'],
    fc.oneof(
      fc.double(),
      fc.string().filter((s) => !/Hz/.test(s)),
      fc.boolean(),
    ),
  ],
  [['vms', 'count'], fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 4097 }), fc.string(), fc.array(fc.integer()))],
  [
    ['traffic', 'load'],
    fc.oneof(
      fc.double(),
      fc.integer(),
      fc.string().filter((s) => !/(bit\/s|pps)$|^(saturate|line-rate)$/.test(s.trim())),
      fc.constant({}),
    ),
  ],
  [['traffic', 'direction'], fc.string().filter((s) => s !== 'rx' && s !== 'tx')],
  [
    ['traffic', 'frame_bytes'],
    fc.oneof(
      fc.integer({ max: 63 }),
      fc.integer({ min: 9217 }),
      fc.string().filter((s) => s !== 'imix'),
    ),
  ],
  [
    ['duration'],
    fc.oneof(
      fc.integer(),
      fc.string().filter((s) => !/s$/.test(s.trim())),
      fc.constant('-5 ms'),
    ),
  ],
  [
    ['nic', 'itr'],
    fc.oneof(
      fc.integer({ max: 955 }),
      fc.integer({ min: 488_282 }),
      fc.string().filter((s) => !['off', 'bulk', 'low-latency', 'lowest-latency'].includes(s)),
    ),
  ],
  [['seed'], fc.oneof(fc.integer({ max: -1 }), fc.string(), fc.double({ min: 0.1, max: 0.9 }))],
];

const KNOWN_TOP = [
  'name',
  'description',
  'seed',
  'duration',
  'warmup',
  'host',
  'nic',
  'vms',
  'traffic',
  'per_vm',
  'paths',
  'costs',
  'custom_paths',
  'reference',
  'validation',
];

describe('random invalid scenarios never crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovsim-prop-'));
  const base = () => ({
    duration: '5 ms',
    warmup: '1 ms',
    host: { cores: 4 },
    nic: {},
    vms: { count: 2 },
    traffic: { load: '1 Gbit/s' },
  });

  it('a wrong value exits 2 and names the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BAD.keys()), fc.nat(), async (which, n) => {
        const [path, arb] = BAD[which];
        const value = fc.sample(arb, { seed: n, numRuns: 1 })[0];
        const data = base() as unknown as Record<string, Record<string, unknown>>;
        if (path.length === 1) (data as Record<string, unknown>)[path[0]] = value;
        else data[path[0]][path[1]] = value;
        const file = join(dir, `bad-${which}-${n}.json`);
        writeFileSync(file, JSON.stringify(data));
        const r = await cli(['validate', file]);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`${file}: ${path.join('.')}`);
        expect(r.err).not.toMatch(/\n\s+at /);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('an unknown field exits 2 and names it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('', 'host', 'nic', 'vms', 'traffic'),
        fc
          .string({ minLength: 1, maxLength: 12 })
          .filter(
            (k) =>
              /^[a-z_]+$/.test(k) &&
              !KNOWN_TOP.includes(k) &&
              !['cores', 'clock', 'count', 'load', 'line_rate'].includes(k),
          ),
        async (parent, key) => {
          const data = base() as unknown as Record<string, Record<string, unknown>>;
          const field = parent === '' ? key : `${parent}.${key}`;
          if (parent === '') (data as Record<string, unknown>)[key] = 1;
          else data[parent][key] = 1;
          const file = join(dir, `unknown-${parent}-${key}.yaml`);
          writeFileSync(file, JSON.stringify(data));
          const r = await cli(['validate', file]);
          // Some random keys are real fields of that section (e.g. host.vring): then 1 may be valid.
          if (r.code === 0) return;
          expect(r.code).toBe(2);
          expect(r.err).toContain(`${file}: ${field}: expected`);
        },
      ),
      { numRuns: 40, seed: 11 },
    );
  });
});
