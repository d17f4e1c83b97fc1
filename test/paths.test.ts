import { describe, expect, it } from 'vitest';
import { CAUSES } from '../src/model/causes.js';
import { COSTS } from '../src/model/costs.js';
import { run, sum } from './support/scenario.js';

/**
 * One VM, one 1518-B packet every 100 us (constant arrivals), interrupt moderation off: every
 * packet meets idle rings, so each pays its full notification and batch costs, and nothing
 * queues. The cycles per packet on each core and the latency then follow by hand from the
 * cost table, and the test spells each sum out.
 */
const c = Object.fromEntries(Object.entries(COSTS).map(([k, v]) => [k, v.default])) as Record<
  keyof typeof COSTS,
  number
>;
const BYTES = 1518;
const copy = c.copy_per_byte * BYTES; // 759 cycles
const guest = c.guest_driver + c.guest_stack + copy; // the guest's own per-packet work
const accesses = (n: number) => n * (c.vm_exit + c.emulation_access);
const GHZ = 2.9;
const PPS = 10_000;

function tiny(path: string, direction: 'rx' | 'tx') {
  return run({
    seed: 1,
    duration: '101 ms',
    warmup: '1 ms',
    host: { cores: 4, clock: '2.9 GHz', hypervisor_cores: 2 },
    nic: { itr: 'off' },
    vms: { count: 1 },
    traffic: { direction, load_per_vm: `${PPS} pps`, arrivals: 'constant', frame_bytes: BYTES },
    paths: [path],
  })[path];
}

/** Expected cycles per packet on each core: io core 0, vCPU core 2 (first core after the 2 hypervisor cores). */
const cases: { path: string; dir: 'rx' | 'tx'; io: number; vcpu: number; exits: number; delayNs: number }[] = [
  { path: 'native', dir: 'rx', io: 0, vcpu: c.irq_handler + guest, exits: 0, delayNs: c.dma_ns },
  { path: 'native', dir: 'tx', io: 0, vcpu: guest, exits: 0, delayNs: c.dma_ns },
  {
    path: 'emulated',
    dir: 'rx',
    io: c.irq_handler + c.host_driver + c.vswitch_sort + copy + c.emulation_access + c.notify_signal,
    vcpu:
      c.vm_exit +
      c.irq_handler +
      c.eoi_exit +
      accesses(c.emulated_accesses_per_interrupt) +
      accesses(c.emulated_accesses_per_packet) +
      guest,
    exits: 2 + c.emulated_accesses_per_interrupt + c.emulated_accesses_per_packet,
    delayNs: c.dma_ns,
  },
  {
    path: 'emulated',
    dir: 'tx',
    io: c.notify_signal + c.emulation_access + c.vswitch_sort + copy + c.host_driver,
    vcpu: guest + accesses(c.emulated_accesses_per_packet),
    exits: c.emulated_accesses_per_packet,
    delayNs: c.dma_ns,
  },
  {
    path: 'paravirtual',
    dir: 'rx',
    io: c.irq_handler + c.host_driver + c.vswitch_sort + copy + c.notify_signal,
    vcpu: c.vm_exit + c.irq_handler + c.eoi_exit + guest,
    exits: 2,
    delayNs: c.dma_ns,
  },
  {
    path: 'paravirtual',
    dir: 'tx',
    io: c.notify_signal + c.vswitch_sort + copy + c.host_driver,
    vcpu: guest + c.kick_exit,
    exits: 1,
    delayNs: c.dma_ns,
  },
  {
    path: 'vmdq',
    dir: 'rx',
    io: c.irq_handler + c.host_driver + copy + c.notify_signal,
    vcpu: c.vm_exit + c.irq_handler + c.eoi_exit + guest,
    exits: 2,
    delayNs: c.dma_ns,
  },
  {
    path: 'sriov',
    dir: 'rx',
    io: 0,
    vcpu: c.vm_exit + 2 * c.irq_handler + c.eoi_exit + guest,
    exits: 2,
    delayNs: c.dma_ns + c.iommu_ns,
  },
  { path: 'sriov', dir: 'tx', io: 0, vcpu: guest, exits: 0, delayNs: c.dma_ns + c.iommu_ns },
];

describe('each path on a tiny deterministic scenario matches the hand-computed costs', () => {
  for (const k of cases) {
    it(`${k.path} ${k.dir}`, () => {
      const r = tiny(k.path, k.dir);
      expect(r.drops).toEqual(Object.fromEntries(Object.keys(r.drops).map((h) => [h, 0])));
      const packets = r.deliveredPackets;
      // 100 ms window at 10 kpps: 1000 packets, give or take the one at each edge.
      expect(Math.abs(packets - 1000)).toBeLessThanOrEqual(1);
      const perCore = r.coreCycles.map((cc) => sum(cc) / packets);
      expect(perCore[0]).toBeCloseTo(k.io, 6);
      expect(perCore[2]).toBeCloseTo(k.vcpu, 6);
      expect(perCore[1] + perCore[3]).toBe(0);
      expect(r.exits / packets).toBeCloseTo(k.exits, 6);
      // Utilization law, by hand: packets/s x cycles per packet / clock.
      const utilVcpu = sum(r.coreCycles[2]) / GHZ / r.windowNs;
      expect(utilVcpu).toBeCloseTo((PPS * k.vcpu) / (GHZ * 1e9), 4);
      // Latency: wire + DMA/IOMMU + each core's work, nothing queued.
      const wireNs = ((BYTES + 20) * 8) / 10;
      const expectedNs = wireNs + k.delayNs + (k.io + k.vcpu) / GHZ;
      // The producer's notification cycles are spent after the packet is handed on, so they add no latency.
      const producerNs =
        k.dir === 'rx' && ['emulated', 'paravirtual', 'vmdq'].includes(k.path)
          ? c.notify_signal / GHZ
          : k.path === 'paravirtual' && k.dir === 'tx'
            ? c.kick_exit / GHZ
            : 0;
      expect(r.latencyNs.mean).toBeCloseTo(expectedNs - producerNs, 3);
      expect(r.latencyNs.max).toBeCloseTo(r.latencyNs.mean, 3);
      // Cycles by cause add up to the total.
      expect(sum(CAUSES.map((_, i) => sum(r.coreCycles.map((cc) => cc[i]))))).toBeCloseTo(
        sum(r.coreCycles.map(sum)),
        3,
      );
    });
  }

  it('charges switch and copy only where the path has them', () => {
    const byCause = (path: string) => {
      const r = tiny(path, 'rx');
      return Object.fromEntries(
        CAUSES.map((cause, i) => [cause, sum(r.coreCycles.map((cc) => cc[i])) / r.deliveredPackets]),
      );
    };
    expect(byCause('sriov').switch).toBe(0);
    expect(byCause('sriov').copy).toBe(0);
    expect(byCause('vmdq').switch).toBe(0);
    expect(byCause('vmdq').copy).toBeCloseTo(copy, 6);
    expect(byCause('paravirtual').switch).toBeCloseTo(c.vswitch_sort, 6);
    expect(byCause('emulated').emulation).toBeGreaterThan(0);
    expect(byCause('native').exits).toBe(0);
  });
});
