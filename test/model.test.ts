import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { run, sum } from './support/scenario.js';

const PATHS = ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'];

describe('the quickstart comes out in the order the sources describe (ref §3, §4)', () => {
  const quickstart = parse(readFileSync(new URL('../scenarios/quickstart.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
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

  it('paravirtual with one I/O core lands in the published 5-6 Gbit/s and 25-35 % of 8 cores (ref §3 R2)', () => {
    const payloadGbps = (r.paravirtual.deliveredPayloadBytes * 8) / r.paravirtual.windowNs;
    expect(payloadGbps).toBeGreaterThanOrEqual(5);
    expect(payloadGbps).toBeLessThanOrEqual(6);
    const hostPct = (100 * sum(r.paravirtual.coreCycles.map(sum))) / 2.9 / r.paravirtual.windowNs / 8;
    expect(hostPct).toBeGreaterThanOrEqual(25);
    expect(hostPct).toBeLessThanOrEqual(35);
  });
});

describe('every run obeys the operational laws', () => {
  const scenarios: [string, Record<string, unknown>][] = [
    ['rx, poisson at 60 % of line rate, 4 VMs', { traffic: { direction: 'rx', load: '6 Gbit/s' } }],
    ['tx, constant 3 Gbit/s, 3 VMs, IMIX', { vms: { count: 3 }, traffic: { direction: 'tx', load: '3 Gbit/s', arrivals: 'constant', frame_bytes: 'imix' } }],
    ['rx, on/off bursts, 64-B frames, 8 VMs', { vms: { count: 8 }, traffic: { load: '1 Gbit/s', frame_bytes: 64, arrivals: { on_off: { on: '50 us', off: '150 us' } } } }],
    ['rx, overload at 150 % of line rate', { traffic: { load: '15 Gbit/s' } }],
    ['tx, saturating, 2 VMs', { vms: { count: 2 }, traffic: { direction: 'tx', load: 'saturate' } }],
  ];

  for (const [label, extra] of scenarios) {
    it(label, () => {
      const results = run({ duration: '40 ms', warmup: '4 ms', host: { hypervisor_cores: 2 }, ...extra });
      for (const p of PATHS) {
        const r = results[p];
        const secs = r.windowNs / 1e9;
        // Conservation, exactly.
        const c = r.conservation;
        expect(c.offered, p).toBe(c.delivered + c.dropped + c.inFlight);
        // No core above 100 %.
        for (const core of r.coreCycles) expect(sum(core) / r.clockGhz / r.windowNs, p).toBeLessThanOrEqual(1 + 1e-9);
        // No more through the wire than line rate allows: busy at most all the time, and the frames it
        // finished (one may have started before the window) fit in that busy time plus one frame.
        expect(r.wireBusyNs, p).toBeLessThanOrEqual(r.windowNs * (1 + 1e-9));
        const wireBitsNs = ((r.wireBytes + 20 * r.wireFrames) * 8) / r.lineRateGbps;
        expect(wireBitsNs, p).toBeLessThanOrEqual(r.wireBusyNs + (9216 + 20) * 8 / r.lineRateGbps);
        expect((r.deliveredBytes * 8) / r.windowNs, p).toBeLessThanOrEqual(r.lineRateGbps);
        // Little's law: mean in system = throughput x mean time in system (packets that leave by drop
        // also spent time inside, so only check where drops are rare).
        const dropped = sum(Object.values(r.drops));
        if (dropped < 1e-3 * r.deliveredPackets && r.deliveredPackets > 1000) {
          const x = r.deliveredPackets / secs;
          expect(Math.abs(r.meanInSystem - (x * r.latencyNs.mean) / 1e9) / r.meanInSystem, p).toBeLessThan(0.02);
        }
      }
    });
  }
});
