import { describe, expect, it } from 'vitest';
import { COSTS } from '../src/model/costs.js';
import { experiment, run } from './support/scenario.js';
import { readFileSync } from 'node:fs';
import {
  CPU_PLATFORMS,
  CPU_PLATFORM_NAMES,
  platformFits,
  platformSources,
  platformTable,
} from '../src/model/platforms.js';
import type { CpuPlatform, PlatformValue } from '../src/model/platforms.js';

const references = readFileSync(new URL('../docs/references.md', import.meta.url), 'utf8');
/** Row ids of docs/references.md: the first cell of a table row, e.g. '| X1 |'. */
const ROW_IDS = new Set([...references.matchAll(/^\| ([A-Z]{1,2}\d+) \|/gm)].map((m) => m[1]));

const VALUE_KEYS = [
  'clock_ghz',
  'cores',
  'vm_exit_cycles',
  'copy_cycles_per_byte_dram',
  'copy_cycles_per_byte_cache',
  'checksum_cycles_per_byte',
  'irq_cycles',
] as const;

describe('the CPU platform catalog', () => {
  it('reads ids from docs/references.md, including R1-R8', () => {
    for (const id of ['W1', 'X1', 'C1', 'L1', 'I1', 'N1', 'XN1', 'K1', 'P1', 'R1', 'R8'])
      expect(ROW_IDS.has(id), id).toBe(true);
  });

  for (const name of CPU_PLATFORM_NAMES) {
    const p: CpuPlatform = CPU_PLATFORMS[name];
    it(`${name}: every value cites rows that exist, and every estimate says why`, () => {
      for (const key of VALUE_KEYS) {
        const v: PlatformValue = p[key];
        expect(v.source, `${name}.${key}`).toMatch(/^\[[A-Z]{1,2}\d+\](, \[[A-Z]{1,2}\d+\])*$/);
        for (const id of v.source.match(/[A-Z]{1,2}\d+/g) ?? [])
          expect(ROW_IDS.has(id), `${name}.${key} cites ${id}`).toBe(true);
        if (v.fit !== undefined) expect(v.fit.length, `${name}.${key} fit`).toBeGreaterThan(40);
        expect(v.value, `${name}.${key}`).toBeGreaterThan(0);
      }
      expect(Number.isInteger(p.cores.value)).toBe(true);
      for (const key of [
        'copy_cycles_per_byte_dram',
        'copy_cycles_per_byte_cache',
        'checksum_cycles_per_byte',
      ] as const) {
        expect(p[key].value).toBeLessThan(5);
      }
      // Data in cache copies faster than data from DRAM.
      expect(p.copy_cycles_per_byte_cache.value).toBeLessThan(p.copy_cycles_per_byte_dram.value);
      // Posted interrupts need hardware virtualization.
      if (p.posted_interrupts) expect(p.hardware_virtualization).toBe(true);
    });
  }

  it('renders one table row per platform, marking estimates with ~', () => {
    const rows = platformTable().trim().split('\n');
    expect(rows).toHaveLength(2 + CPU_PLATFORM_NAMES.length);
    expect(rows.find((r) => r.startsWith('| `nehalem-x5570`'))).toContain('| 2,000 |');
    expect(rows.find((r) => r.startsWith('| `netburst-xeon`'))).toContain('| ~6,000 |');
    expect(platformSources(CPU_PLATFORMS['nehalem-x5570'])[0]).toBe('[X1]');
    expect(platformFits()).toContain('### `epyc-genoa`');
    expect(platformTable().endsWith(' |\n')).toBe(true);
  });

  it('lists the reference ids its values cite, each once, in the order first cited', () => {
    const base = CPU_PLATFORMS['nehalem-x5570'];
    const cite = (source: string): PlatformValue => ({ value: 1, source });
    const p: CpuPlatform = {
      ...base,
      clock_ghz: cite('[XN2] and [C19]'),
      cores: cite('the vendor sheet'),
      vm_exit_cycles: cite('[C19], [P10]'),
      copy_cycles_per_byte_dram: cite('[XN2]'),
      copy_cycles_per_byte_cache: cite(''),
      checksum_cycles_per_byte: cite('[AB12]'),
      irq_cycles: cite('no id here'),
    };
    expect(platformSources(p)).toEqual(['[XN2]', '[C19]', '[P10]', '[AB12]']);
  });
});

describe('the same scenario on two CPU platforms', () => {
  // One VM, native receive, 10 kpps of 1518-B frames, no moderation: every packet pays its
  // interrupt, NAPI and the socket copy, at the platform's copy rate and interrupt cost.
  const perPacket = (cpu: string) => {
    const r = run({
      duration: '51 ms',
      warmup: '1 ms',
      host: { cpu, cores: 2, hypervisor_cores: 1 },
      nic: { itr: 'off' },
      vms: { count: 1 },
      traffic: { load_per_vm: '10 kpps', arrivals: 'constant', frame_bytes: 1518 },
      paths: ['native', 'sriov'],
    });
    const cycles = (p: string) =>
      r[p].coreCycles.reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0) / r[p].deliveredPackets;
    return { native: cycles('native'), sriov: cycles('sriov'), clock: r.native.clockGhz };
  };
  const d = (k: keyof typeof COSTS) => COSTS[k].default;

  it('costs what each platform says, by hand', () => {
    for (const cpu of ['nehalem-x5570', 'netburst-xeon'] as const) {
      const p = CPU_PLATFORMS[cpu];
      const copy = p.copy_cycles_per_byte_dram.value * 1518;
      const irq = p.irq_cycles.value;
      const exit = p.vm_exit_cycles.value;
      const eoi = Math.round(d('eoi_exit') * (exit / 1300));
      const got = perPacket(cpu);
      expect(got.clock).toBe(p.clock_ghz.value);
      expect(got.native).toBeCloseTo(irq + d('guest_driver') + d('guest_stack') + copy, 6);
      // A VF interrupt: exit, the hypervisor's handler, the guest's, and the EOI exit.
      expect(got.sriov).toBeCloseTo(exit + 2 * irq + eoi + d('guest_driver') + d('guest_stack') + copy, 6);
    }
  });

  it('an old platform pays several times more per byte than a new one, and for its exits', () => {
    const old = perPacket('netburst-xeon');
    const modern = perPacket('sapphire-rapids');
    expect(old.native).toBeGreaterThan(modern.native * 1.3);
    expect(old.sriov - old.native).toBeGreaterThan(2 * (modern.sriov - modern.native));
  });

  it('an explicit cost still wins over the platform', () => {
    const r = run({
      host: { cpu: 'netburst-xeon' },
      costs: { copy_per_byte: 0.1 },
      paths: ['native'],
      duration: '5 ms',
      warmup: '1 ms',
    });
    expect(r.native).toBeDefined();
    const exp = experiment({ host: { cpu: 'netburst-xeon' }, costs: { copy_per_byte: 0.1 }, paths: ['native'] });
    expect(exp.paths[0].costs.copy_per_byte).toBe(0.1);
    expect(exp.paths[0].costs.vm_exit).toBe(CPU_PLATFORMS['netburst-xeon'].vm_exit_cycles.value);
  });
});
