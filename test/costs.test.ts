// Each default of the cost table (src/model/costs.ts) against the number its `source` text
// states. Three kinds of default:
// - stated: the source gives the number; the test reads it out of the source text;
// - derived: the source gives the measurements and the arithmetic; the test reads the
//   measurements out of the source text and redoes the arithmetic;
// - fit, estimate or assumption: no published number to hold it to; listed as such, and the
//   source must say so (docs/calibration.md argues the fits).
import { describe, expect, it } from 'vitest';
import { COST_NAMES, COSTS, type CostName } from '../src/model/costs.js';

/** The number right before `unit` in the text, e.g. ("~2,000 cycles", "cycles") -> 2000. */
function before(text: string, unit: string): number {
  const m = new RegExp(`(\\d[\\d,]*(?:\\.\\d+)?)\\s*${unit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`).exec(text);
  if (!m) throw new Error(`no number before "${unit}" in: ${text}`);
  return Number(m[1].replace(/,/g, ''));
}

type Check =
  | { kind: 'stated'; number: (source: string) => number }
  | { kind: 'derived'; value: (source: string) => number; within: number }
  | { kind: 'fit' | 'estimate' | 'assumption' | 'count'; why: string };

const CHECKS: Record<CostName, Check> = {
  vm_exit: { kind: 'stated', number: (s) => before(s, 'cycles') },
  eoi_exit: { kind: 'stated', number: (s) => before(s, 'cycles') },
  kick_exit: { kind: 'stated', number: (s) => before(s, 'cycles') },
  notify_signal: { kind: 'stated', number: (s) => before(s, 'cycles') },
  // 6,732 cycles for an exit handled in QEMU less the 2,000-cycle world switch = 4,732.
  emulation_access: { kind: 'derived', value: (s) => before(s, 'cycles, minus') - before(s, '-cycle'), within: 0.01 },
  emulated_accesses_per_packet: { kind: 'count', why: 'one tail write per packet' },
  emulated_accesses_per_interrupt: { kind: 'count', why: 'reads ICR and masks/unmasks IMS' },
  irq_handler: { kind: 'fit', why: 'fit to [R6]' },
  vswitch_sort: { kind: 'fit', why: 'fit to [R2]' },
  // Stated as "= 0.50 cycles/byte"; and 2.93 GHz over 5.9 GB/s is 0.497.
  copy_per_byte: { kind: 'stated', number: (s) => Number(/= ([\d.]+) cycles\/byte/.exec(s)![1]) },
  // "about 4 bytes per cycle ... = 0.25 cycles/byte".
  checksum_per_byte: { kind: 'stated', number: (s) => Number(/= ([\d.]+) cycles\/byte/.exec(s)![1]) },
  host_driver: { kind: 'fit', why: 'fit to [R2] and [R4]' },
  guest_driver: { kind: 'fit', why: "fit, with guest_stack and tcp_ack, to [R2]'s CPU" },
  tcp_ack: { kind: 'fit', why: 'fit, with guest_stack, to [R2] and [R7]' },
  guest_stack: { kind: 'fit', why: "fit, with guest_driver and tcp_ack, to [R2]'s CPU" },
  // The plain-loop rate of 8 B/cycle: "0.125 cycles/byte, is taken (estimate)".
  copy_cached_per_byte: { kind: 'stated', number: (s) => before(s, 'cycles/byte, is taken') },
  kernel_switch: { kind: 'estimate', why: 'about a third is taken as the switching' },
  // 2.4 GHz / 3.05 Mpps = 787 and / 2.50 Mpps = 960 cycles per packet, less a few tens for the
  // copy: the default must lie in that band.
  vhost_per_packet: {
    kind: 'derived',
    value: (s) => {
      const ghz = before(s, 'GHz');
      const [lo, hi] = /([\d.]+)-([\d.]+) Mpps/.exec(s)!.slice(1).map(Number);
      const fast = (ghz * 1e3) / hi;
      const slow = (ghz * 1e3) / lo;
      expect(Math.round(fast)).toBe(787);
      expect(Math.round(slow)).toBe(960);
      const d = COSTS.vhost_per_packet.default;
      return d >= fast - 100 && d <= slow ? d : NaN;
    },
    within: 0,
  },
  // 2.3 GHz / 23.3 Mpps = 98.7 cycles for receive and transmit together; half each.
  pmd_io: { kind: 'derived', value: (s) => (before(s, 'GHz') * 1e3) / before(s, 'Mpps') / 2, within: 0.02 },
  // ~470 per pass (935 for two) less PMD I/O (~50) and the 64-byte copy (~20).
  dpdk_switch: {
    kind: 'derived',
    value: (s) => {
      expect(before(s, 'cycles per packet for two passes') / 2).toBeCloseTo(before(s, 'per pass'), -1);
      return before(s, 'per pass') - Number(/PMD I\/O \(~(\d+)/.exec(s)![1]) - Number(/copy \(~(\d+)/.exec(s)![1]);
    },
    within: 0,
  },
  // 5,011 cycles with grant copy less 743 with pre-mapped grants = 4,268.
  xen_grant_rx: {
    kind: 'derived',
    value: (s) => before(s, 'cycles per packet with grant copy') - before(s, 'with pre-mapped'),
    within: 0.001,
  },
  // 3,216 less 884 = 2,332.
  xen_grant_tx: {
    kind: 'derived',
    value: (s) => before(s, 'cycles per packet with grant copy') - before(s, 'with pre-mapped'),
    within: 0.001,
  },
  // 7.45 us x 733 MHz = 5,460.9.
  world_switch: { kind: 'derived', value: (s) => before(s, 'us') * before(s, 'MHz'), within: 0.0002 },
  // 22.7 us x 733 MHz = 16,639.1.
  hosted_host_io: { kind: 'derived', value: (s) => before(s, 'us per packet') * before(s, 'MHz'), within: 0.0002 },
  dma_ns: { kind: 'assumption', why: 'only latency depends on it' },
  iommu_ns: { kind: 'assumption', why: 'only SR-IOV latency depends on it' },
};

describe('every cost default against its documented source', () => {
  it('every cost of the table is listed here', () => {
    expect(Object.keys(CHECKS).sort()).toEqual([...COST_NAMES].sort());
  });

  for (const name of COST_NAMES) {
    const c = CHECKS[name];
    const { default: value, source } = COSTS[name];
    it(`${name} = ${value} (${c.kind})`, () => {
      if (c.kind === 'stated') {
        expect(c.number(source)).toBe(value);
      } else if (c.kind === 'derived') {
        const v = c.value(source);
        expect(Math.abs(v - value) / value, `${name}: derived ${v}`).toBeLessThanOrEqual(c.within);
        // The result of the arithmetic is also written out in the source, where it is.
        const written = /= ([\d,]+) cycles\b/.exec(source);
        if (written) expect(Number(written[1].replace(/,/g, ''))).toBe(value);
      } else {
        expect(source).toContain(c.why);
        if (c.kind !== 'count') expect(source).toMatch(new RegExp(`\\b${c.kind}\\b`));
      }
    });
  }

  it('the emulated NIC counts follow the e1000 programming model as the source describes it', () => {
    expect(COSTS.emulated_accesses_per_packet.default).toBe(1);
    // Read ICR, mask, unmask: three accesses.
    expect(COSTS.emulated_accesses_per_interrupt.default).toBe(3);
    expect(COSTS.emulated_accesses_per_interrupt.help).toMatch(/read ICR, mask, unmask/);
  });
});
