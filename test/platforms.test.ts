import { describe, expect, it } from 'vitest';
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
  });
});
