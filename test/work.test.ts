import { describe, expect, it } from 'vitest';
import { CAUSE_HELP, CAUSES, causeIndex } from '../src/model/causes.js';
import { meanFrameBytes, tcpPayloadBytes, type ModelConfig } from '../src/model/config.js';
import { resolveCosts } from '../src/model/costs.js';
import { PACKET_KINDS } from '../src/model/packets.js';
import { effectiveWork, type CpuHop, type WorkSpec } from '../src/model/path-spec.js';
import { coreFor, coresFor, cycleVector, kindCosts, workCycles } from '../src/model/work.js';

// How a hop's declared work becomes the numbers a turn adds, computed by hand: every cost here
// is a literal or a cost the test sets, so the expected values follow from the arithmetic alone.
const costs = resolveCosts({ vm_exit: 2000, copy_per_byte: 0.25, checksum_per_byte: 0.5 });
const at = (kind: (typeof PACKET_KINDS)[number], cause: (typeof CAUSES)[number]) =>
  PACKET_KINDS.indexOf(kind) * CAUSES.length + causeIndex(cause);

describe('a work list, resolved', () => {
  it('a notification: cycles x count per cause, one exit per count of a costly exit item, posted items left out', () => {
    const work: WorkSpec[] = [
      { cause: 'exits', cycles: 'vm_exit', count: 3 },
      { cause: 'exits', cycles: 0, count: 5 }, // costs nothing: not an exit taken
      { cause: 'interrupts', cycles: 700 },
      { cause: 'interrupts', cycles: 100, count: 2, unless_posted: true },
    ];
    const v = cycleVector(work, costs);
    expect(v.perCause[causeIndex('exits')]).toBe(6000);
    expect(v.perCause[causeIndex('interrupts')]).toBe(900);
    expect(v.exits).toBe(3);
    expect([...v.causes]).toEqual([causeIndex('exits'), causeIndex('interrupts')]);
    expect([...v.perCause].reduce((a, b) => a + b)).toBe(6900);

    const posted = cycleVector(work, costs, true);
    expect(posted.perCause[causeIndex('interrupts')]).toBe(700);
    expect(posted.exits).toBe(3);
    const none = cycleVector(undefined, costs);
    expect([...none.perCause].every((c) => c === 0)).toBe(true);
    expect(none.exits).toBe(0);
    expect(none.causes.length).toBe(0);
  });

  it('a hop: per packet, per ring entry and per byte, each times its count, for the kinds it names', () => {
    const work: WorkSpec[] = [
      { cause: 'guest', cycles: 1000, cycles_per_byte: 2, count: 3 },
      { cause: 'driver', cycles: 400, per_descriptor: true, count: 2 },
      { cause: 'copy', cycles_per_byte: 'copy_per_byte', count: 4, kinds: ['data'] },
      { cause: 'exits', cycles: 'vm_exit', count: 2, kinds: ['ack'] },
      { cause: 'exits', cycles: 0, count: 5, kinds: ['ack'] }, // costs nothing: no exit taken
      { cause: 'exits', cycles: 'vm_exit', per_descriptor: true, kinds: ['data'] },
    ];
    const k = kindCosts(work, costs);
    // data: guest 3000 + 6/B, driver 800 per entry, copy 1/B, one exit (2000) per entry.
    expect(k.perPacket[at('data', 'guest')]).toBe(3000);
    expect(k.perByte[at('data', 'guest')]).toBe(6);
    expect(k.perDescriptor[at('data', 'driver')]).toBe(800);
    expect(k.perPacket[at('data', 'driver')]).toBe(0);
    expect(k.perByte[at('data', 'copy')]).toBe(1);
    expect(k.perDescriptor[at('data', 'exits')]).toBe(2000);
    expect(k.packetTotal[0]).toBe(3000);
    expect(k.descriptorTotal[0]).toBe(2800);
    expect(k.byteTotal[0]).toBe(7);
    expect(k.packetExits[0]).toBe(0);
    expect(k.descriptorExits[0]).toBe(1);
    // ack: no copy, two exits (4000) per packet.
    const ack = PACKET_KINDS.indexOf('ack');
    expect(k.perByte[at('ack', 'copy')]).toBe(0);
    expect(k.perPacket[at('ack', 'exits')]).toBe(4000);
    expect(k.packetTotal[ack]).toBe(7000);
    expect(k.byteTotal[ack]).toBe(6);
    expect(k.packetExits[ack]).toBe(2);
    expect(k.descriptorExits[ack]).toBe(0);
    // The causes a turn adds, per kind, in cause order.
    expect([...k.active[0]]).toEqual(['guest', 'driver', 'exits', 'copy'].map((c) => causeIndex(c as never)).sort());
    expect([...k.active[ack]]).toEqual([causeIndex('guest'), causeIndex('driver'), causeIndex('exits')]);
    expect(k.active.length).toBe(PACKET_KINDS.length);
    // One data packet of one 1000-byte frame: 3000 + 2800 + 7 x 1000.
    expect(workCycles(work, costs, 1000)).toBe(12_800);
    expect(workCycles(undefined, costs, 1000)).toBe(0);
  });

  it("a cpu hop's copies and software checksum join its work, per payload byte; without them the list is the hop's own", () => {
    const own: WorkSpec[] = [{ cause: 'guest', cycles: 100 }];
    const hop = (extra: Partial<CpuHop>) => ({ kind: 'cpu', name: 'h', work: own, ...extra }) as unknown as CpuHop;
    expect(effectiveWork(hop({}), true)).toBe(own);
    expect(effectiveWork(hop({ copies: 0 }), true)).toBe(own);
    expect(effectiveWork(hop({ checksum: 'without_offload' }), true)).toBe(own);
    // Without checksum offload only a hop that checksums in software pays for it.
    expect(effectiveWork(hop({}), false)).toBe(own);
    const payload = ['data', 'request', 'response'];
    expect(effectiveWork(hop({ copies: 2 }), true)).toEqual([
      ...own,
      { cause: 'copy', cycles_per_byte: 'copy_per_byte', count: 2, kinds: payload },
    ]);
    const checksum = { cause: 'copy', cycles_per_byte: 'checksum_per_byte', kinds: payload };
    expect(effectiveWork(hop({ checksum: 'without_offload' }), false)).toEqual([...own, checksum]);
    expect(effectiveWork(hop({ checksum: 'always' }), true)).toEqual([...own, checksum]);
    // Resolved: two copies at 0.25 and a checksum at 0.5 cycles per byte, for data only.
    const k = kindCosts(effectiveWork(hop({ copies: 2, checksum: 'always' }), true), costs);
    expect(k.perByte[at('data', 'copy')]).toBe(1);
    expect(k.byteTotal[PACKET_KINDS.indexOf('ack')]).toBe(0);
  });
});

describe('the causes', () => {
  it('each has its own line of help (shown by `iovsim paths`)', () => {
    const help = CAUSES.map((c) => CAUSE_HELP[c]);
    expect(help.every((h) => typeof h === 'string' && h.length > 20)).toBe(true);
    expect(new Set(help).size).toBe(CAUSES.length);
  });
});

describe('which cores serve a hop', () => {
  const cfg = { host: { hypervisorCores: 4, vcpuCores: [4, 5, 6] } } as unknown as ModelConfig;

  it('by role: a fixed core, the I/O core, a hypervisor core per VM, or the VM vCPU', () => {
    expect(coreFor(cfg, 2, 7)).toBe(2);
    expect(coreFor(cfg, 'io', 7)).toBe(0);
    expect(coreFor(cfg, 'io-per-vm', 6)).toBe(2);
    expect(coreFor(cfg, 'vcpu', 4)).toBe(5);
  });

  it('several servers: round-robin over the hypervisor cores for a per-VM hop, consecutive cores otherwise', () => {
    expect(coresFor(cfg, 'io-per-vm', 1, 3)).toEqual([3, 0, 1]);
    expect(coresFor(cfg, 'io-per-vm', 5, 1)).toEqual([1]);
    expect(coresFor(cfg, 'io', 5, 3)).toEqual([0, 1, 2]);
    expect(coresFor(cfg, 'vcpu', 1, 2)).toEqual([5, 6]);
  });
});

describe('frame arithmetic', () => {
  it('the mean frame of a weighted mix, and the TCP payload a frame carries', () => {
    expect(meanFrameBytes({ bytes: [64, 1518], weights: [3, 1] })).toBe((3 * 64 + 1518) / 4);
    expect(meanFrameBytes({ bytes: [1000], weights: [0.5] })).toBe(1000);
    expect(tcpPayloadBytes(1518)).toBe(1448);
    expect(tcpPayloadBytes(64)).toBe(0);
  });
});
