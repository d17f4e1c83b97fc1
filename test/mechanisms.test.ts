import { describe, expect, it } from 'vitest';
import { COSTS } from '../src/model/costs.js';
import { moderator } from '../src/model/moderation.js';
import { experiment, run, sum } from './support/scenario.js';

const c = Object.fromEntries(Object.entries(COSTS).map(([k, v]) => [k, v.default])) as Record<
  keyof typeof COSTS,
  number
>;
const cores = (r: { coreCycles: number[][]; clockGhz: number; windowNs: number }) =>
  sum(r.coreCycles.map(sum)) / r.clockGhz / r.windowNs;
const gbps = (r: { deliveredPayloadBytes: number; windowNs: number }) => (r.deliveredPayloadBytes * 8) / r.windowNs;

describe('interrupts under load: a poll that empties its ring re-arms its interrupt', () => {
  const r = run({
    duration: '40 ms',
    warmup: '5 ms',
    host: { cores: 8, clock: '2.9 GHz', hypervisor_cores: 4 },
    vms: { count: 4 },
    traffic: { load: 'saturate' },
  });
  for (const p of ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov']) {
    it(`${p}: interrupts at bulk receive`, () => {
      expect(r[p].interrupts).toBeGreaterThan(0);
    });
  }
  it('exits show up where exits happen: none natively, per interrupt with SR-IOV, more behind the software switch', () => {
    expect(r.native.exits).toBe(0);
    expect(r.sriov.exits).toBeGreaterThan(0);
    expect(r.paravirtual.exits / r.paravirtual.deliveredPackets).toBeGreaterThan(
      r.sriov.exits / r.sriov.deliveredPackets,
    );
  });
});

describe('a 1-vCPU SR-IOV guest whose core is the bottleneck', () => {
  const at = (posted: boolean, itr: string) =>
    run({
      duration: '60 ms',
      warmup: '10 ms',
      host: { cores: 2, clock: '2.9 GHz', hypervisor_cores: 1, posted_interrupts: posted },
      nic: { line_rate: '40 Gbit/s', itr },
      vms: { count: 1 },
      traffic: { load: 'saturate' },
      paths: ['sriov'],
    }).sriov;

  it('is CPU-bound (the vCPU core is busy all the time)', () => {
    const r = at(false, 'low-latency');
    expect(sum(r.coreCycles[1]) / r.clockGhz / r.windowNs).toBeGreaterThan(0.99);
  });

  it('gets measurably less throughput with exiting interrupts than with posted ones', () => {
    const exiting = at(false, 'low-latency');
    const posted = at(true, 'low-latency');
    expect(posted.exits).toBeLessThan(exiting.exits / 10);
    // Each exiting interrupt costs vm_exit + irq_handler + eoi_exit more than a posted one.
    expect(gbps(posted) / gbps(exiting)).toBeGreaterThan(1.02);
  });

  it('the interrupt throttle rate changes what a bulk stream costs: at line rate, more interrupts, more CPU', () => {
    const lineRate = (itr: string) =>
      run({
        duration: '40 ms',
        warmup: '5 ms',
        vms: { count: 2 },
        nic: { itr },
        traffic: { load: 'saturate' },
        paths: ['sriov'],
      }).sriov;
    const bulk = lineRate('bulk');
    const fast = lineRate('lowest-latency');
    expect(gbps(fast)).toBeCloseTo(gbps(bulk), 1);
    expect(fast.interrupts).toBeGreaterThan(2 * bulk.interrupts);
    expect(cores(fast)).toBeGreaterThan(1.05 * cores(bulk));
  });
});

describe('TCP ACK clocking', () => {
  it('the receiver sends one ACK per two frames, each crossing the return path and paying its costs', () => {
    const r = run({
      duration: '30 ms',
      warmup: '5 ms',
      host: { cores: 4, clock: '2.9 GHz', hypervisor_cores: 1 },
      nic: { itr: 'off' },
      vms: { count: 1 },
      traffic: { load: 'saturate' },
      paths: ['native'],
    }).native;
    expect(r.acks / r.deliveredPackets).toBeCloseTo(0.5, 2);
    // Per frame on the one core: interrupt share + NAPI + copy + half an ACK (tcp_ack + driver).
    const perFrame = sum(r.coreCycles.map(sum)) / r.deliveredPackets;
    const interrupts = (r.interrupts * c.irq_handler) / r.deliveredPackets;
    expect(perFrame - interrupts).toBeCloseTo(
      c.guest_driver + c.guest_stack + c.copy_per_byte * 1518 + (c.tcp_ack + c.guest_driver) / 2,
      0,
    );
  });

  it('a window of two segments makes the sender wait for each ACK: throughput is one window per round trip', () => {
    const small = run({
      duration: '30 ms',
      warmup: '5 ms',
      vms: { count: 1 },
      traffic: { load: 'saturate', window: '3036 B' },
      paths: ['sriov'],
    }).sriov;
    const large = run({
      duration: '30 ms',
      warmup: '5 ms',
      vms: { count: 1 },
      traffic: { load: 'saturate' },
      paths: ['sriov'],
    }).sriov;
    expect(gbps(small)).toBeLessThan(gbps(large) / 2);
    // One ACK per window of two frames.
    expect(small.acks / small.deliveredPackets).toBeCloseTo(0.5, 2);
  });

  it('a window smaller than two segments waits for the delayed-ACK timer (40 ms, [L3])', () => {
    const r = run({
      duration: '200 ms',
      warmup: '10 ms',
      vms: { count: 1 },
      traffic: { load: 'saturate', window: '1518 B' },
      paths: ['native'],
    }).native;
    // One frame per 40 ms: 190 ms of window see 4 or 5 frames.
    expect(r.deliveredPackets).toBeGreaterThanOrEqual(4);
    expect(r.deliveredPackets).toBeLessThanOrEqual(5);
  });

  it('a window that stalls on the delayed-ACK timer is noted when the scenario is read, and only then', () => {
    const notes = (traffic: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      experiment({
        vms: { count: 2 },
        traffic: { load: 'saturate', ...traffic },
        paths: ['native'],
        ...extra,
      }).notes.filter((n) => n.startsWith('traffic.window'));
    expect(notes({ window: '1518 B' })).toEqual([
      'traffic.window (1518 B) holds 1 frame of 1518 B, fewer than traffic.ack_every (2): the receiver acknowledges each window only when its delayed-ACK timer fires (40 ms), as TCP does, so a run delivers about one window per 40 ms; a window larger than 1518 B avoids it',
    ]);
    // The sender sends while under the window: 1519 B hold two frames.
    expect(notes({ window: '1519 B' })).toEqual([]);
    // With ack_every 4, three frames are not enough and four are: the fix named is the smallest.
    expect(notes({ window: '4554 B', ack_every: 4 })[0]).toMatch(/holds 3 frames .* larger than 4554 B avoids it$/);
    expect(notes({ window: '4555 B', ack_every: 4 })).toEqual([]);
    expect(notes({ window: '1518 B', ack_every: 1 })).toEqual([]);
    // The largest frame of any VM sets the fewest frames a window holds.
    expect(notes({ window: '2 KiB', frame_bytes: 1000 })).toEqual([]);
    expect(notes({ window: '2 KiB', frame_bytes: 1000 }, { per_vm: [{ vm: 1, frame_bytes: 9000 }] })).toHaveLength(1);
    // A TSO segment is acknowledged at once by a GRO-capable peer, one frame at a time by any other.
    const tx = { direction: 'tx', window: '1518 B', tso_segment_bytes: 2896 };
    expect(notes(tx)).toEqual([]);
    expect(notes({ ...tx, peer_gro: false })).toEqual([]);
    expect(notes({ ...tx, peer_gro: false, tso_segment_bytes: 1448 })).toHaveLength(1);
    // Open loop has no window.
    expect(notes({ load: '1 Gbit/s', window: '1518 B' })).toEqual([]);
  });

  it('ACKs on transmit go through the receive path: a paravirtual sender pays interrupts and exits for them', () => {
    const r = run({
      duration: '30 ms',
      warmup: '5 ms',
      vms: { count: 1 },
      traffic: { direction: 'tx', load: 'saturate', tso_segment_bytes: 65536, peer_gro: false },
      paths: ['paravirtual', 'native'],
    });
    // 46 frames per segment, an ACK per two frames at a peer without GRO.
    expect(r.native.acks / r.native.deliveredPackets).toBeCloseTo(0.5, 2);
    expect(r.paravirtual.interrupts).toBeGreaterThan(0);
    expect(r.paravirtual.exits).toBeGreaterThan(0);
    // With a GRO peer, one ACK per 64 KB segment.
    const gro = run({
      duration: '30 ms',
      warmup: '5 ms',
      vms: { count: 1 },
      traffic: { direction: 'tx', load: 'saturate', tso_segment_bytes: 65536 },
      paths: ['native'],
    }).native;
    expect(gro.acks / gro.deliveredPackets).toBeCloseTo(1 / 46, 2);
  });
});

describe('receive offload', () => {
  const data = (extra: Record<string, unknown>) => ({
    duration: '30 ms',
    warmup: '5 ms',
    host: { cores: 2, clock: '2.9 GHz', hypervisor_cores: 1, ...((extra.host as object) ?? {}) },
    nic: { itr: 'bulk', ...((extra.nic as object) ?? {}) },
    vms: { count: 1 },
    traffic: { load: 'saturate' },
    paths: ['native'],
  });

  it('GRO: the driver still pays per frame, the stack and the ACKs per aggregate, so a frame costs less', () => {
    const off = run(data({})).native;
    const gro = run(data({ host: { gro: true } })).native;
    const perFrame = (r: typeof off) => sum(r.coreCycles.map(sum)) / r.deliveredPackets;
    expect(perFrame(gro)).toBeLessThan(perFrame(off));
    // Aggregates of many frames: far fewer ACKs than one per two frames.
    expect(gro.acks / gro.deliveredPackets).toBeLessThan(0.2);
    // The driver's work is still per frame.
    const driver = (r: typeof off) => sum(r.coreCycles.map((cc) => cc[1])) / r.deliveredPackets;
    expect(driver(gro)).toBeGreaterThan(c.guest_driver * 0.99);
  });

  it('LRO: the NIC merges before the driver, so the driver too is paid per aggregate', () => {
    const gro = run(data({ host: { gro: true } })).native;
    const lro = run(data({ nic: { lro: true } })).native;
    const driver = (r: typeof gro) => sum(r.coreCycles.map((cc) => cc[1])) / r.deliveredPackets;
    expect(driver(lro)).toBeLessThan(driver(gro) / 2);
  });
});

describe('adaptive interrupt moderation, by hand', () => {
  it('ixgbe early classes ([I3]): bulk traffic climbs from low latency to bulk, one step at a time, smoothed', () => {
    const m = moderator({ kind: 'adaptive', algorithm: 'ixgbe-classes' }, true, 10);
    expect(m.rate).toBe(20_000);
    // 50 us interval at 20,000/s; 50 frames of 1518 B = 75,900 B: 1518 B/us > 20 -> bulk (8,000).
    m.onInterrupt(50, 75_900);
    // new = 10 x 8000 x 20000 / (9 x 8000 + 20000) = 17,391
    expect(m.rate).toBeCloseTo((10 * 8000 * 20000) / (9 * 8000 + 20000), 6);
    for (let i = 0; i < 200; i++) m.onInterrupt(50, 75_900);
    expect(m.rate).toBeCloseTo(8000, 0);
    // A trickle goes back down to low latency, then lowest latency.
    for (let i = 0; i < 200; i++) m.onInterrupt(1, 64);
    expect(m.rate).toBeCloseTo(100_000, -2);
  });

  it('ixgbe current ([I4]): 256+ packets of 1518 B per poll mean bulk, sized by the frame: 2 x ceil((5 x 1518 + 22420) / 512) us', () => {
    const m = moderator({ kind: 'adaptive', algorithm: 'ixgbe-current' }, true, 10);
    m.onPollDone(0, 0, 0); // first evaluation: reset to 10 us
    expect(m.gapNs).toBe(10_000);
    m.onPollDone(1e6, 300, 300 * 1518);
    expect(m.gapNs).toBe(2 * Math.ceil((5 * 1518 + 22420) / 512) * 1000);
    // 4-47 packets: +2 us.
    const before = m.gapNs;
    m.onPollDone(2e6, 20, 20 * 1518);
    expect(m.gapNs).toBe(before + 2000);
    // Two jiffies (8 ms) without an evaluation: back to 10 us.
    m.onPollDone(20e6, 20, 20 * 1518);
    expect(m.gapNs).toBe(10_000);
  });

  it('a fixed rate is a fixed gap; an unmoderated notification has none', () => {
    expect(moderator({ kind: 'fixed', perSec: 8000 }, true, 10).gapNs).toBe(125_000);
    expect(moderator({ kind: 'fixed', perSec: 8000 }, false, 10).gapNs).toBe(0);
  });
});

describe('request/response', () => {
  it('one transaction at a time on SR-IOV: latency and rate by hand', () => {
    const frame = 1518;
    const r = run({
      duration: '60 ms',
      warmup: '5 ms',
      host: { cores: 2, clock: '2.9 GHz', hypervisor_cores: 1 },
      nic: { itr: 'off' },
      vms: { count: 1 },
      traffic: {
        kind: 'request_response',
        frame_bytes: frame,
        request_response: {
          request_bytes: '64 B',
          response_bytes: '1448 B',
          concurrency: 1,
          app_cycles: 10000,
          peer_latency: '5 us',
        },
      },
      paths: ['sriov'],
    }).sriov;
    const wire = (bytes: number) => ((bytes + 20) * 8) / 10;
    // Request: peer, wire, DMA + IOMMU, the VF interrupt (exit, two handlers, EOI) and NAPI,
    // the socket copy, the application; response: the stack sending, DMA + IOMMU, wire.
    const cycles =
      c.vm_exit +
      2 * c.irq_handler +
      c.eoi_exit +
      c.guest_driver +
      c.guest_stack +
      c.copy_per_byte * 64 +
      10000 +
      c.guest_stack +
      c.guest_driver +
      c.copy_per_byte * frame;
    const latencyNs = 5000 + wire(64) + 2 * (c.dma_ns + c.iommu_ns) + cycles / 2.9 + wire(frame);
    expect(r.transactionLatencyNs.mean).toBeCloseTo(latencyNs, 0);
    expect(r.transactions / (r.windowNs / 1e9)).toBeCloseTo(1e9 / latencyNs, -2);
    expect(r.transactionsLost).toBe(0);
  });

  it('interrupt moderation holds requests back: the bulk ITR cuts a one-at-a-time request rate', () => {
    const rate = (itr: string) => {
      const r = run({
        duration: '60 ms',
        warmup: '5 ms',
        vms: { count: 1 },
        nic: { itr },
        traffic: { kind: 'request_response', request_response: { concurrency: 1 } },
        paths: ['sriov'],
      }).sriov;
      return r.transactions / r.windowNs;
    };
    expect(rate('off') / rate('bulk')).toBeGreaterThan(2);
  });

  it('CPU per transaction counts the application', () => {
    const base = { duration: '30 ms', warmup: '5 ms', vms: { count: 2 }, paths: ['native'] };
    const cycles = (app: number) => {
      const r = run({
        ...base,
        traffic: { kind: 'request_response', request_response: { concurrency: 4, app_cycles: app } },
      }).native;
      return sum(r.coreCycles.map(sum)) / r.transactions;
    };
    expect(cycles(20000) - cycles(0)).toBeCloseTo(20000, -2);
  });
});
