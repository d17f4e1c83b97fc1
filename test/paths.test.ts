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
      // The device model also checksums the frame the guest asked it to offload.
      copy: copy + c.checksum_per_byte * BYTES,
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
  (() => {
    // Exitless delivery whatever the host: only the guest's handler, no exits.
    const guest = add(irq, napi, socket);
    const d = c.dma_ns + c.iommu_ns;
    return {
      path: 'sriov-posted',
      dir: 'rx' as const,
      io: {},
      vcpu: guest,
      exits: 0,
      onPath: total(guest),
      delayNs: d,
    };
  })(),
  ...(['vhost-net', 'userspace-virtio'] as const).map((path) => {
    // Host softirq (driver, bridge) and the backend thread both on hypervisor core 0; the thread
    // is woken by a signal, copies (QEMU twice, the second from cache), and signals the guest.
    const copies = path === 'vhost-net' ? copy : copy + c.copy_cached_per_byte * BYTES;
    const host = add(irq, { driver: c.guest_driver, switch: c.kernel_switch });
    const backend = { interrupts: c.notify_signal, driver: c.vhost_per_packet, copy: copies };
    const guest = add(virq, napi, socket);
    return {
      path,
      dir: 'rx' as const,
      io: add(host, backend, { interrupts: c.notify_signal }),
      vcpu: guest,
      exits: 2,
      onPath: total(host) + total(backend) + total(guest),
      delayNs: c.dma_ns,
    };
  }),
  (() => {
    // The kick exits on the vCPU (after the hand-over); the vhost thread copies, bridges and drives the NIC.
    const backend = {
      interrupts: c.notify_signal,
      driver: c.vhost_per_packet + c.guest_driver,
      copy,
      switch: c.kernel_switch,
    };
    const vcpu = add(send, { exits: c.kick_exit });
    return {
      path: 'vhost-net',
      dir: 'tx' as const,
      io: backend,
      vcpu,
      exits: 1,
      onPath: total(send) + total(backend),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    // dom0's softirq bridges to the vif; netback wakes, makes one grant-copy hypercall for its batch, grant-copies the packet.
    const host = add(irq, { driver: c.guest_driver, switch: c.kernel_switch });
    const netback = { interrupts: c.notify_signal, exits: c.vm_exit, copy: c.xen_grant_rx + copy };
    const guest = add(virq, napi, socket);
    return {
      path: 'xen-netback',
      dir: 'rx' as const,
      io: add(host, netback, { interrupts: c.notify_signal }),
      vcpu: guest,
      exits: 3,
      onPath: total(host) + total(netback) + total(guest),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    // The payload is grant-mapped, not copied: only the grant operations, the bridge and dom0's driver.
    const netback = {
      interrupts: c.notify_signal,
      copy: c.xen_grant_tx,
      switch: c.kernel_switch,
      driver: c.guest_driver,
    };
    const vcpu = add(send, { exits: c.kick_exit });
    return {
      path: 'xen-netback',
      dir: 'tx' as const,
      io: netback,
      vcpu,
      exits: 1,
      onPath: total(send) + total(netback),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    // The host OS takes the interrupt and the packet; the VMM gets it by a world switch, copies
    // it into the emulated ring, and the guest's handler makes its three register accesses.
    const host = add(irq, { driver: c.hosted_host_io });
    const guest = add(
      { exits: c.world_switch, interrupts: c.irq_handler },
      access(c.emulated_accesses_per_interrupt),
      { copy },
      access(c.emulated_accesses_per_packet),
      napi,
      socket,
    );
    return {
      path: 'hosted',
      dir: 'rx' as const,
      io: add(host, { interrupts: c.notify_signal }),
      vcpu: guest,
      exits: 1 + c.emulated_accesses_per_interrupt + c.emulated_accesses_per_packet,
      onPath: total(host) + total(guest),
      delayNs: c.dma_ns,
    };
  })(),
  (() => {
    // The guest's transmit access exits, then a world switch hands the send to the host OS.
    const vcpu = add(send, access(c.emulated_accesses_per_packet), { exits: c.world_switch });
    const host = { driver: c.hosted_host_io };
    const onPath = total(add(send, access(c.emulated_accesses_per_packet))) + total(host);
    return { path: 'hosted', dir: 'tx' as const, io: host, vcpu, exits: 2, onPath, delayNs: c.dma_ns };
  })(),
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

describe('hypervisor families with their own core use', () => {
  it('vhost-user: the poll-mode core is busy the whole window, its idle polling charged to the driver', () => {
    const r = tiny('vhost-user', 'rx');
    const packets = r.deliveredPackets;
    const perPacket = (core: number, cause: Cause) => r.coreCycles[core][CAUSES.indexOf(cause)] / packets;
    // Core 0 runs the PMD: every cycle of the window is charged, whatever the load.
    expect(sum(r.coreCycles[0])).toBeCloseTo(GHZ * r.windowNs, 0);
    expect(perPacket(0, 'switch')).toBeCloseTo(c.dpdk_switch, 6);
    expect(perPacket(0, 'copy')).toBeCloseTo(copy, 6);
    // The guest's interrupt is signalled through an eventfd: the PMD pays the signal.
    expect(perPacket(0, 'interrupts')).toBeCloseTo(c.notify_signal, 6);
    // The guest side is a paravirtual guest's, with no kick on transmit.
    const guest = add(virq, napi, socket);
    CAUSES.forEach((cause) => expect(perPacket(2, cause), cause).toBeCloseTo(guest[cause] ?? 0, 6));
    // Two exits per packet, both the guest's: the injected interrupt and its EOI.
    expect(r.exits / packets).toBeCloseTo(2, 6);
  });

  it('vhost-user transmit: the guest never kicks, the PMD polls its ring', () => {
    const r = tiny('vhost-user', 'tx');
    expect(r.exits).toBe(0);
    const packets = r.deliveredPackets;
    expect(r.coreCycles[2][CAUSES.indexOf('exits')]).toBe(0);
    expect(r.coreCycles[0][CAUSES.indexOf('switch')] / packets).toBeCloseTo(c.dpdk_switch, 6);
  });

  it('virtio-mq: each VM has a backend thread per queue pair on its own hypervisor core', () => {
    // 2 VMs, 4 hypervisor cores: VM 0's two threads on cores 0 and 1, VM 1's on cores 2 and 3.
    const r = run({
      seed: 1,
      duration: '21 ms',
      warmup: '1 ms',
      host: { cores: 6, clock: '2.9 GHz', hypervisor_cores: 4 },
      nic: { itr: 'off' },
      vms: { count: 2 },
      traffic: { direction: 'rx', load_per_vm: '200 kpps', arrivals: 'poisson', frame_bytes: BYTES },
      paths: ['virtio-mq'],
    })['virtio-mq'];
    const busy = r.coreCycles.map((cs) => sum(cs));
    for (const core of [0, 1, 2, 3]) expect(busy[core], `core ${core}`).toBeGreaterThan(0);
    // Per packet the hypervisor cores together do the host and vhost work once.
    const hostWork = c.guest_driver + c.kernel_switch + c.vhost_per_packet + copy;
    const hyper = (busy[0] + busy[1] + busy[2] + busy[3]) / r.deliveredPackets;
    expect(hyper).toBeGreaterThan(hostWork);
    // Interrupts and wake-ups add at most one of each per packet.
    expect(hyper).toBeLessThan(hostWork + c.irq_handler + 2 * c.notify_signal);
  });

  it('a per-VM hop with several servers must run on the hypervisor cores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-servers-'));
    const f = join(dir, 's.yaml');
    writeFileSync(
      f,
      JSON.stringify({
        paths: ['mine'],
        custom_paths: { mine: { base: 'vhost-net', patch: { rx: { guest: { servers: 2 } } } } },
      }),
    );
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/custom_paths\.mine\.rx\[4\]\.servers: expected 1 for a per-vm hop off the hypervisor cores/);
    rmSync(dir, { recursive: true, force: true });
  });
});
