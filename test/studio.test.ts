import * as nodeCrypto from 'node:crypto';
import { readdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COST_NAMES, COSTS } from '../src/model/costs.js';
import { CPU_PLATFORMS } from '../src/model/platforms.js';
import { readScenarioData } from '../src/scenario/load.js';
import { planScenario } from '../src/scenario/plan.js';
import {
  applyKnobs,
  costRows,
  DEFAULT_SCENARIO,
  defaultsFor,
  knobsOf,
  STUDY_BLOCKS,
  type Knobs,
  type Raw,
} from '../src/studio/knobs.js';
import * as cryptoShim from '../src/studio/shims/crypto.js';
import * as shim from '../src/studio/shims/path.js';

// A path file is found relative to the scenario: plan a committed file under its own name.
const plan = (raw: Raw, file = 'studio.yaml') => planScenario(raw, file).points[0].exp;
const withKnobs = (change: Partial<Knobs>, from: Raw = DEFAULT_SCENARIO): Raw =>
  applyKnobs(from, { ...knobsOf(from), ...change });

describe('studio knobs', () => {
  it('the default scenario survives the knobs unchanged', () => {
    expect(withKnobs({})).toEqual(DEFAULT_SCENARIO);
    expect(plan(DEFAULT_SCENARIO).paths).toHaveLength(5);
  });

  it('every committed scenario, through the knobs and back, plans to the same experiment', () => {
    const root = join(__dirname, '..', 'scenarios');
    const files = ['', 'published', 'experiments', 'modern', 'validation'].flatMap((d) =>
      readdirSync(join(root, d))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(root, d, f)),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const raw = readScenarioData(file) as Raw;
      for (const b of STUDY_BLOCKS) delete raw[b];
      raw.name ??= 'x';
      const direct = plan(raw, file);
      const through = plan(withKnobs({}, raw), file);
      expect(through.config, file).toEqual(direct.config);
      expect(through.paths, file).toEqual(direct.paths);
    }
  });

  it('each knob writes a field the scenario schema accepts, with the effect it names', () => {
    const cases: [Partial<Knobs>, (e: ReturnType<typeof plan>) => unknown, unknown][] = [
      [{ vms: 9, hypervisorCores: 'auto' }, (e) => [e.config.vms, e.config.host.hypervisorCores], [9, 1]],
      [
        { cpu: 'skylake-sp', cores: '', clock: '' },
        (e) => [e.config.host.cores, e.config.host.clockGhz],
        [CPU_PLATFORMS['skylake-sp'].cores.value, CPU_PLATFORMS['skylake-sp'].clock_ghz.value],
      ],
      [{ cores: '16' }, (e) => e.config.host.cores, 16],
      [{ clock: '3.5 GHz' }, (e) => e.config.host.clockGhz, 3.5],
      [
        { posted: true, gro: true, lro: true },
        (e) => [e.config.host.postedInterrupts, e.config.host.gro, e.config.nic.lro],
        [true, true, true],
      ],
      [{ nicModel: 'intel-82576', lineRate: '' }, (e) => e.config.nic.lineRateGbps, 1],
      [{ itr: 'adaptive' }, (e) => e.config.nic.moderation, { kind: 'adaptive', algorithm: 'ixgbe-current' }],
      [{ itr: '20000' }, (e) => e.config.nic.moderation, { kind: 'fixed', perSec: 20000 }],
      [{ load: 'per-vm', rate: '2 Gbit/s' }, (e) => e.config.traffic.perVm[0].pps, 2e9 / (8 * 1518)],
      [{ load: 'total', rate: '100 kpps' }, (e) => e.config.traffic.perVm[0].pps, 25e3],
      [{ load: 'line-rate' }, (e) => e.config.traffic.mode, 'open'],
      [{ frame: 'imix' }, (e) => e.config.traffic.perVm[0].frames.bytes, [64, 594, 1518]],
      [{ direction: 'tx' }, (e) => e.config.traffic.direction, 'tx'],
      [{ costs: { vm_exit: 1000 } }, (e) => e.paths[0].costs.vm_exit, 1000],
      [{ paths: ['sriov', 'native'] }, (e) => e.paths.map((p) => p.name), ['sriov', 'native']],
      [
        { seed: 7, duration: '30 ms', warmup: '3 ms' },
        (e) => [e.config.seed, e.config.durationNs, e.config.warmupNs],
        [7, 30e6, 3e6],
      ],
      [
        { kind: 'request_response', appCycles: 5000, rrLoop: 'closed', concurrency: 4 },
        (e) => [e.config.traffic.mode, e.config.traffic.rr?.appCycles, e.config.traffic.rr?.concurrency],
        ['request-response', 5000, 4],
      ],
      [
        { kind: 'request_response', rrLoop: 'open', ratePerVm: '30 kreq/s' },
        (e) => [e.config.traffic.rr?.concurrency, e.config.traffic.rr?.ratePerVm],
        [0, 30e3],
      ],
    ];
    for (const [change, read, expected] of cases) {
      expect(read(plan(withKnobs(change))), JSON.stringify(change)).toEqual(expected);
    }
  });

  it('a value the schema refuses is reported as the file would report it', () => {
    expect(() => plan(withKnobs({ lineRate: '10 Gbps' }))).toThrow(/nic.line_rate: expected/);
    expect(() => plan(withKnobs({ cores: 'many' }))).toThrow(/host.cores/);
  });

  it('what the knobs do not show is kept: windows, per-VM exceptions, custom paths', () => {
    const raw: Raw = {
      ...DEFAULT_SCENARIO,
      traffic: { direction: 'rx', load_per_vm: '1 Gbit/s', window: '128 KiB', frame_bytes: [{ bytes: 64, weight: 1 }] },
      per_vm: [{ vm: 0, rate: '2 Gbit/s' }],
      custom_paths: { fast: { base: 'paravirtual', costs: { vswitch_sort: 1000 } } },
      paths: ['fast', 'sriov'],
    };
    const k = knobsOf(raw);
    expect(k.frame).toBe('file');
    expect(k.paths).toEqual(['fast', 'sriov']);
    const out = applyKnobs(raw, { ...k, vms: 2 });
    expect(out.per_vm).toEqual(raw.per_vm);
    expect(out.custom_paths).toEqual(raw.custom_paths);
    expect((out.traffic as Raw).window).toBe('128 KiB');
    expect((out.traffic as Raw).frame_bytes).toEqual([{ bytes: 64, weight: 1 }]);
    expect(plan(out).paths.map((p) => p.name)).toEqual(['fast', 'sriov']);
  });

  it('the costs table shows each default with its source, a platform its own', () => {
    const plain = costRows('');
    expect(plain.map((c) => c.name)).toEqual(COST_NAMES);
    expect(plain.find((c) => c.name === 'vm_exit')).toMatchObject({
      value: COSTS.vm_exit.default,
      source: COSTS.vm_exit.source,
    });
    const platform = costRows('skylake-sp').find((c) => c.name === 'vm_exit')!;
    expect(platform.source).toMatch(/^platform skylake-sp: \[/);
    expect(plan(withKnobs({ cpu: 'skylake-sp' })).paths[0].costs.vm_exit).toBe(platform.value);
    expect(defaultsFor({ hostModel: 'generic', cpu: '', nicModel: 'intel-82576' })).toEqual({
      cores: 8,
      clock: '2.9 GHz',
      lineRate: '1 Gbit/s',
    });
  });
});

describe('the browser shim of node:path', () => {
  it('agrees with node:path on the names the scenario layer meets', () => {
    for (const p of ['studio.yaml', 'a/b/c.yml', '/abs/x.json', 'noext', '.hidden', 'dir/']) {
      expect(shim.basename(p), p).toBe(nodePath.posix.basename(p));
      expect(shim.extname(p), p).toBe(nodePath.posix.extname(p));
      expect(shim.dirname(p), p).toBe(nodePath.posix.dirname(p));
    }
    expect(shim.resolve('/a/b', '../c.yaml')).toBe('/a/c.yaml');
    expect(shim.resolve('/a', '/b', 'c')).toBe('/b/c');
    expect(shim.join('a', 'b/../c')).toBe('a/c');
  });
});

describe('the browser shim of node:crypto', () => {
  it("gives node's sha256 for text and bytes, so the page's seeds match the command line's", () => {
    for (const s of ['', 'abc', 'name: x\nvms: { count: 3 }\n', 'ü✓ multibyte', 'x'.repeat(1000)]) {
      const want = nodeCrypto.createHash('sha256').update(s).digest('hex');
      expect(cryptoShim.createHash('sha256').update(s).digest('hex'), s).toBe(want);
      const bytes = new TextEncoder().encode(s);
      expect(cryptoShim.createHash('sha256').update(bytes).digest('hex'), s).toBe(want);
    }
    // Chained updates hash the concatenation, as node's do.
    expect(cryptoShim.createHash('sha256').update('ab').update('c').digest('hex')).toBe(
      nodeCrypto.createHash('sha256').update('abc').digest('hex'),
    );
    expect(() => cryptoShim.createHash('md5')).toThrow(/not available in the browser/);
  });
});
