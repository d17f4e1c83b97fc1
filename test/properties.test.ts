import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLaws } from '../src/experiment/laws.js';
import { run } from './support/scenario.js';
import { cli } from './support/cli.js';

const PATHS = ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'] as const;

describe('random valid scenarios hold every invariant', () => {
  it('any path, 1-64 VMs, 64-9000 B frames, 0-150 % of line rate, both directions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PATHS),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 64, max: 9000 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        fc.constantFrom('rx', 'tx'),
        fc.constantFrom('constant', 'poisson'),
        fc.integer({ min: 0, max: 1000 }),
        (path, vms, frame, share, direction, arrivals, seed) => {
          // Offered load as a share of line rate, in wire bits.
          const gbps = ((10 * share * frame) / (frame + 20)).toFixed(6);
          const r = run({
            seed,
            duration: '4 ms',
            warmup: '0.5 ms',
            nic: { vmdq_pools: 64, vfs: 64 },
            vms: { count: vms },
            traffic: { direction, load: `${gbps} Gbit/s`, frame_bytes: frame, arrivals },
            paths: [path],
          })[path];
          const failed = checkLaws(r).filter((c) => !c.ok);
          expect(failed).toEqual([]);
          const c = r.conservation;
          expect(c.offered).toBe(c.delivered + c.dropped + c.inFlight);
        },
      ),
      { numRuns: 40, seed: 42 },
    );
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
