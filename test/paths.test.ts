import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAUSES, type Cause } from '../src/model/causes.js';
import { COSTS } from '../src/model/costs.js';
import { runPath } from '../src/model/network.js';
import { BUILTIN_PATHS } from '../src/model/paths.js';
import { planFile } from '../src/scenario/plan.js';
import { cli } from './support/cli.js';
import { run, sum } from './support/scenario.js';

/**
 * One VM, one 1518-B packet every 100 us (constant arrivals, open loop, so no ACKs),
 * interrupt moderation off: every packet meets idle rings, so each pays its full
 * notification and batch costs, and nothing queues. The cycles per packet on each core, by
 * cause, and the latency then follow by hand from the cost table; each sum is spelt out.
 */
const c = Object.fromEntries(Object.entries(COSTS).map(([k, v]) => [k, v.default])) as Record<
  keyof typeof COSTS,
  number
>;
const BYTES = 1518;
const copy = c.copy_per_byte * BYTES;
const GHZ = 2.9;
const PPS = 10_000;
const WIRE_NS = ((BYTES + 20) * 8) / 10;

type Split = Partial<Record<Cause, number>>;
const add = (...parts: Split[]): Split => {
  const out: Split = {};
  for (const p of parts)
    for (const [k, v] of Object.entries(p)) out[k as Cause] = (out[k as Cause] ?? 0) + (v as number);
  return out;
};
const total = (s: Split) => sum(Object.values(s) as number[]);

/** A kernel's NAPI poll on a data packet, and the application's copy from its socket. */
const napi: Split = { driver: c.guest_driver, guest: c.guest_stack };
const socket: Split = { guest: copy };
/** The sender's stack: TCP/IP, driver, copy from user space. */
const send: Split = { guest: c.guest_stack + copy, driver: c.guest_driver };
const access = (n: number): Split => ({ exits: n * c.vm_exit, emulation: n * c.emulation_access });
const virq: Split = { exits: c.vm_exit + c.eoi_exit, interrupts: c.irq_handler };
const irq: Split = { interrupts: c.irq_handler };

function tiny(path: string, direction: 'rx' | 'tx', extra: Record<string, unknown> = {}) {
  return run({
    seed: 1,
    duration: '101 ms',
    warmup: '1 ms',
    host: { cores: 4, clock: '2.9 GHz', hypervisor_cores: 2, ...extra },
    nic: { itr: 'off' },
    vms: { count: 1 },
    traffic: { direction, load_per_vm: `${PPS} pps`, arrivals: 'constant', frame_bytes: BYTES },
    paths: [path],
  })[path];
}

interface Case {
  path: string;
  dir: 'rx' | 'tx';
  /** Cycles per packet on the I/O core 0 and on the vCPU core 2, by cause. */
  io: Split;
  vcpu: Split;
  exits: number;
  /** Cycles a packet waits for before it is delivered (the rest, producer costs after the hand-over, add no latency). */
  onPath: number;
  delayNs: number;
  posted?: boolean;
}

const cases: Case[] = [
  {
    path: 'native',
    dir: 'rx',
    io: {},
    vcpu: add(irq, napi, socket),
    exits: 0,
    onPath: total(add(irq, napi, socket)),
    delayNs: c.dma_ns,
  },
  { path: 'native', dir: 'tx', io: {}, vcpu: send, exits: 0, onPath: total(send), delayNs: c.dma_ns },
  (() => {
    // Backend on the I/O core: interrupt, driver, switch, copy, descriptor write-back; then it signals the guest.
    const backend = add(irq, { driver: c.host_driver, switch: c.vswitch_sort, copy, emulation: c.emulation_access });
    const signal = { interrupts: c.notify_signal };
    // The guest's batch: its virtual interrupt and 3 register accesses; per packet 1 access, then the stack.
    const guest = add(
      virq,
      access(c.emulated_accesses_per_interrupt),
      access(c.emulated_accesses_per_packet),
      napi,
      socket,
    );
    return {
      path: 'emulated',
      dir: 'rx' as const,
      io: add(backend, signal),
      vcpu: guest,
      exits: 2 + c.emulated_accesses_per_interrupt + c.emulated_accesses_per_packet,
      onPath: total(backend) + total(guest),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    const guest = add(send, access(c.emulated_accesses_per_packet));
    const backend = {
      interrupts: c.notify_signal,
      emulation: c.emulation_access,
      switch: c.vswitch_sort,
      copy,
      driver: c.host_driver,
    };
    return {
      path: 'emulated',
      dir: 'tx' as const,
      io: backend,
      vcpu: guest,
      exits: 1,
      onPath: total(guest) + total(backend),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    const backend = add(irq, { driver: c.host_driver, switch: c.vswitch_sort, copy });
    const guest = add(virq, napi, socket);
    return {
      path: 'paravirtual',
      dir: 'rx' as const,
      io: add(backend, { interrupts: c.notify_signal }),
      vcpu: guest,
      exits: 2,
      onPath: total(backend) + total(guest),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    // The kick exits on the vCPU, and its backend runs there too (in-kernel, in the VM's context).
    const backend = { interrupts: c.notify_signal, switch: c.vswitch_sort, copy, driver: c.host_driver };
    const vcpu = add(send, { exits: c.kick_exit }, backend);
    return { path: 'paravirtual', dir: 'tx' as const, io: {}, vcpu, exits: 1, onPath: total(vcpu), delayNs: c.dma_ns };
  })(),
  (() => {
    const backend = add(irq, { driver: c.host_driver, copy });
    const guest = add(virq, napi, socket);
    return {
      path: 'vmdq',
      dir: 'rx' as const,
      io: add(backend, { interrupts: c.notify_signal }),
      vcpu: guest,
      exits: 2,
      onPath: total(backend) + total(guest),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    // VF interrupt: exit, the hypervisor's handler, injection, the guest's handler, EOI exit.
    const guest = add(virq, irq, napi, socket);
    return {
      path: 'sriov',
      dir: 'rx' as const,
      io: {},
      vcpu: guest,
      exits: 2,
      onPath: total(guest),
      delayNs: c.dma_ns + c.iommu_ns,
    };
  })(),
  (() => {
    // Posted: the vector reaches the running vCPU; only the guest's handler remains.
    const guest = add(irq, napi, socket);
    return {
      path: 'sriov',
      dir: 'rx' as const,
      io: {},
      vcpu: guest,
      exits: 0,
      onPath: total(guest),
      delayNs: c.dma_ns + c.iommu_ns,
      posted: true,
    };
  })(),
  { path: 'sriov', dir: 'tx', io: {}, vcpu: send, exits: 0, onPath: total(send), delayNs: c.dma_ns + c.iommu_ns },
];

describe('each path on a tiny deterministic scenario matches the hand-computed costs, cause by cause', () => {
  for (const k of cases) {
    it(`${k.path} ${k.dir}${k.posted ? ', posted interrupts' : ''}`, () => {
      const r = tiny(k.path, k.dir, k.posted ? { posted_interrupts: true } : {});
      expect(Object.values(r.drops).every((d) => d === 0)).toBe(true);
      const packets = r.deliveredPackets;
      // 100 ms window at 10 kpps: 1000 packets, give or take the one at each edge.
      expect(Math.abs(packets - 1000)).toBeLessThanOrEqual(1);
      for (const [core, want] of [
        [0, k.io],
        [2, k.vcpu],
      ] as const) {
        CAUSES.forEach((cause, i) => {
          expect(r.coreCycles[core][i] / packets, `core ${core} ${cause}`).toBeCloseTo(want[cause] ?? 0, 6);
        });
      }
      expect(sum(r.coreCycles[1]) + sum(r.coreCycles[3])).toBe(0);
      expect(r.exits / packets).toBeCloseTo(k.exits, 6);
      // Utilization law, by hand: packets/s x cycles per packet / clock.
      expect(sum(r.coreCycles[2]) / GHZ / r.windowNs).toBeCloseTo((PPS * total(k.vcpu)) / (GHZ * 1e9), 4);
      // Latency: wire + DMA (+ IOMMU) + the work on the packet's way, nothing queued.
      expect(r.latencyNs.mean).toBeCloseTo(WIRE_NS + k.delayNs + k.onPath / GHZ, 3);
      expect(r.latencyNs.max).toBeCloseTo(r.latencyNs.mean, 3);
    });
  }
});

describe('reusable path files and patches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iovsim-pathfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  write(
    'fastswitch.yaml',
    `description: paravirtual with a switch twice as fast
nic_sorting: none
rx:
  - { kind: wire, name: wire, ring: switch_buffer }
  - { kind: delay, name: dma, ns: [dma_ns] }
  - kind: cpu
    name: backend
    core: io
    instances: shared
    ring: nic_rx
    notify: { kind: interrupt, moderated: true, consumer: [{ cause: interrupts, cycles: irq_handler }] }
    work: [{ cause: driver, cycles: host_driver }, { cause: switch, cycles: 1750 }, { cause: copy, cycles_per_byte: copy_per_byte }]
  - kind: cpu
    name: guest
    core: vcpu
    instances: per-vm
    ring: vring
    notify: { kind: interrupt, producer: [{ cause: interrupts, cycles: notify_signal }], consumer: [{ cause: interrupts, cycles: irq_handler }] }
    work: [{ cause: driver, cycles: guest_driver }, { cause: guest, cycles: guest_stack }, { cause: guest, cycles_per_byte: copy_per_byte }]
tx:
  - { kind: cpu, name: guest, core: vcpu, instances: per-vm, ring: socket_buffer, notify: { kind: poll }, work: [{ cause: guest, cycles: guest_stack }] }
  - { kind: wire, name: wire, ring: nic_tx }
costs: { host_driver: 1000 }
`,
  );
  const scenario = (custom: Record<string, unknown>) =>
    write(
      `s-${Object.keys(custom).join('-')}.yaml`,
      JSON.stringify({
        host: { cores: 4, clock: '2.9 GHz', hypervisor_cores: 2 },
        nic: { itr: 'off' },
        vms: { count: 1 },
        traffic: { load_per_vm: '10 kpps', arrivals: 'constant', frame_bytes: 1518 },
        paths: ['mine'],
        custom_paths: { mine: custom },
      }),
    );

  it("a scenario names a path file: its hops and its costs, under the scenario's", () => {
    const f = scenario({ file: 'fastswitch.yaml' });
    const exp = planFile(f.replace(/\.yaml$/, '.yaml')).points[0].exp;
    expect(exp.paths[0].spec.description).toBe('fastswitch.yaml, modified');
    expect(exp.paths[0].costs.host_driver).toBe(1000);
    const r = runPath(exp.config, exp.paths[0]);
    // I/O core per packet: irq + host_driver (the file's 1000) + switch 1750 + copy + the guest's signal.
    expect(sum(r.coreCycles[0]) / r.deliveredPackets).toBeCloseTo(
      c.irq_handler + 1000 + 1750 + copy + c.notify_signal,
      6,
    );
  });

  it('a patch changes one hop and keeps the rest', () => {
    const f = scenario({ base: 'paravirtual', patch: { rx: { backend: { core: 1 } } } });
    const exp = planFile(f).points[0].exp;
    const hops = exp.paths[0].spec.rx;
    expect(hops.map((h) => h.name)).toEqual(['wire', 'dma', 'backend', 'guest', 'socket']);
    const backend = hops[2];
    expect(backend.kind === 'cpu' && backend.core).toBe(1);
    expect(backend.kind === 'cpu' && backend.work).toEqual(
      BUILTIN_PATHS.paravirtual.rx[2].kind === 'cpu' ? BUILTIN_PATHS.paravirtual.rx[2].work : [],
    );
    const r = runPath(exp.config, exp.paths[0]);
    expect(sum(r.coreCycles[0])).toBe(0);
    expect(sum(r.coreCycles[1])).toBeGreaterThan(0);
  });

  it('a patch naming a hop the path lacks, a field the hop cannot have, or a missing file is refused', async () => {
    const bad = (custom: Record<string, unknown>) => cli(['validate', scenario(custom)]);
    expect((await bad({ base: 'sriov', patch: { rx: { backend: { core: 1 } } } })).err).toMatch(
      /custom_paths\.mine\.patch\.rx\.backend: expected a hop of the path's rx list \(one of: wire, dma, guest, socket\), found "backend"/,
    );
    expect((await bad({ base: 'sriov', patch: { rx: { dma: { core: 1 } } } })).err).toMatch(
      /custom_paths\.mine\.patch\.rx\.dma\.core: expected a field of a delay hop \(ns\)/,
    );
    expect((await bad({ file: 'nowhere.yaml' })).err).toMatch(
      /custom_paths\.mine\.file: expected a readable path file.*found nowhere\.yaml \(no such file\)/,
    );
    expect((await bad({ base: 'sriov', file: 'fastswitch.yaml' })).err).toMatch(
      /custom_paths\.mine: expected either base .* or file .*not both/,
    );
    write('broken.yaml', 'description: x\nnic_sorting: none\nrx: [{kind: teleport}]\ntx: []\n');
    expect((await bad({ file: 'broken.yaml' })).err).toMatch(
      /broken\.yaml: rx\[0\]\.kind: expected a hop with kind wire, delay or cpu/,
    );
  });
});
