import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { run, sum } from './support/scenario.js';

describe('the quickstart comes out in the order the sources describe ([R1]-[R8], docs/references.md)', () => {
  const quickstart = parse(readFileSync(new URL('../scenarios/quickstart.yaml', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
  const r = run(quickstart, { duration: '60 ms' });
  const gbps = (p: string) => (r[p].deliveredBytes * 8) / r[p].windowNs;
  const coresPerGbps = (p: string) => sum(r[p].coreCycles.map(sum)) / r[p].clockGhz / r[p].windowNs / gbps(p);
  const line = 10 * (1518 / 1538);

  it('sriov, vmdq and native at or near line rate', () => {
    for (const p of ['sriov', 'vmdq', 'native']) expect(gbps(p)).toBeGreaterThan(0.97 * line);
  });

  it('software-switch paths lower, emulated lowest', () => {
    expect(gbps('paravirtual')).toBeLessThan(0.9 * gbps('vmdq'));
    expect(gbps('emulated')).toBeLessThan(0.9 * gbps('paravirtual'));
  });

  it('CPU per Gbit/s in the reverse order', () => {
    expect(coresPerGbps('native')).toBeLessThan(coresPerGbps('sriov'));
    expect(coresPerGbps('sriov')).toBeLessThan(coresPerGbps('vmdq'));
    expect(coresPerGbps('vmdq')).toBeLessThan(coresPerGbps('paravirtual'));
    expect(coresPerGbps('paravirtual')).toBeLessThan(coresPerGbps('emulated'));
  });
});
