import type { PacketKind } from './packets.js';
import type { CpuHop, HopSpec, NotifySpec, PathSpec, WorkSpec } from './path-spec.js';

/**
 * The built-in I/O paths, as data. Each mechanism follows the sources' description of the
 * path (docs/references.md, R1-R8 and the mechanisms section); the costs are names in the
 * cost table (costs.ts).
 *
 * Every kernel that receives does it as Linux does: a NAPI poll in softirq context (driver
 * work per descriptor, protocol work per packet, with GRO merging when enabled) hands
 * packets to a socket, from which the application copies them in process context on the
 * same core. An ACK ends in the stack; data goes on to the socket.
 */

// Building blocks shared by several paths. They are plain data, so a path reads as the
// list of what a packet meets.

/** Packets that carry payload (everything but a pure ACK). */
const PAYLOAD: PacketKind[] = ['data', 'request', 'response'];

const wireRx: HopSpec = { kind: 'wire', name: 'wire', ring: 'switch_buffer' };
const wireTx: HopSpec = { kind: 'wire', name: 'wire', ring: 'nic_tx' };
const dma: HopSpec = { kind: 'delay', name: 'dma', ns: ['dma_ns'] };
const dmaIommu: HopSpec = { kind: 'delay', name: 'dma', ns: ['dma_ns', 'iommu_ns'] };

/** A kernel's receive work in its NAPI poll: the driver per descriptor, TCP/IP per packet (an ACK costs less). */
const stackRxWork: WorkSpec[] = [
  { cause: 'driver', cycles: 'guest_driver', per_descriptor: true },
  { cause: 'guest', cycles: 'guest_stack', kinds: PAYLOAD },
  { cause: 'guest', cycles: 'tcp_ack', kinds: ['ack'] },
];

/** A kernel's transmit work, in the sender's context: TCP/IP (or building an ACK), the driver, and the copy from user space. */
const stackTxWork: WorkSpec[] = [
  { cause: 'guest', cycles: 'guest_stack', kinds: PAYLOAD },
  { cause: 'guest', cycles: 'tcp_ack', kinds: ['ack'] },
  { cause: 'driver', cycles: 'guest_driver' },
  { cause: 'guest', cycles_per_byte: 'copy_per_byte', kinds: PAYLOAD },
];

/** Every emulated register access is an exit plus device-model work. */
const emulatedAccesses = (count: 'emulated_accesses_per_packet' | 'emulated_accesses_per_interrupt'): WorkSpec[] => [
  { cause: 'exits', cycles: 'vm_exit', count },
  { cause: 'emulation', cycles: 'emulation_access', count },
];

/** A physical NIC interrupt taken by a kernel that owns the NIC (native, or the hypervisor). */
const physicalInterrupt: NotifySpec = {
  kind: 'interrupt',
  moderated: true,
  consumer: [{ cause: 'interrupts', cycles: 'irq_handler' }],
};

/**
 * A virtual interrupt the hypervisor's backend sends a guest: the backend signals (irqfd),
 * the guest's vCPU is kicked out (an exit) to have it injected, runs its handler, and exits
 * again on EOI. With posted interrupts the vector reaches the running vCPU without the exits.
 */
const virtualInterrupt: NotifySpec = {
  kind: 'interrupt',
  posted: true,
  producer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
  consumer: [
    { cause: 'exits', cycles: 'vm_exit', unless_posted: true },
    { cause: 'interrupts', cycles: 'irq_handler' },
    { cause: 'exits', cycles: 'eoi_exit', unless_posted: true },
  ],
};

/**
 * A VF's interrupt: the NIC interrupts the core running the vCPU, which exits to the
 * hypervisor; the hypervisor handles it and injects it; the guest handles it and exits on
 * EOI. Posted (exitless) delivery, where the platform has it, leaves only the guest's handler.
 */
const passthroughInterrupt: NotifySpec = {
  kind: 'interrupt',
  moderated: true,
  posted: true,
  consumer: [
    { cause: 'exits', cycles: 'vm_exit', unless_posted: true },
    { cause: 'interrupts', cycles: 'irq_handler', unless_posted: true },
    { cause: 'exits', cycles: 'eoi_exit', unless_posted: true },
    { cause: 'interrupts', cycles: 'irq_handler' },
  ],
};

/** A VF's interrupt delivered exitless on every platform: only the guest's own handler runs. */
const exitlessInterrupt: NotifySpec = {
  kind: 'interrupt',
  moderated: true,
  consumer: [{ cause: 'interrupts', cycles: 'irq_handler' }],
};

/** A paravirtual kick: the guest exits to notify, the hypervisor wakes the backend. */
const paravirtualKick: NotifySpec = {
  kind: 'kick',
  producer: [{ cause: 'exits', cycles: 'kick_exit' }],
  consumer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
};

const poll: NotifySpec = { kind: 'poll' };

/** The application reading its socket: the copy to user space, in process context on the vCPU. */
const socketRead: HopSpec = {
  kind: 'cpu',
  name: 'socket',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'socket_buffer',
  notify: poll,
  context: 'process',
  carries: PAYLOAD,
  work: [{ cause: 'guest', cycles_per_byte: 'copy_per_byte', kinds: PAYLOAD }],
};

/** A guest's driver on its VF's receive ring, which the NIC fills directly (LRO in hardware, GRO in the stack). */
const vfGuestRx = (notify: NotifySpec): HopSpec => ({
  kind: 'cpu',
  name: 'guest',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'nic_rx',
  notify,
  aggregate: ['lro', 'gro'],
  work: stackRxWork,
});

/** A guest's NAPI poll on its virtio ring, woken by a virtual interrupt. */
const guestRxParavirtual: HopSpec = {
  kind: 'cpu',
  name: 'guest',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'vring',
  notify: virtualInterrupt,
  aggregate: ['gro'],
  work: stackRxWork,
};

/** The application sending (and the stack sending ACKs): stack, driver and copy on its own core, as it sends. */
const guestTx: HopSpec = {
  kind: 'cpu',
  name: 'guest',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'socket_buffer',
  notify: poll,
  context: 'process',
  work: stackTxWork,
};

/**
 * The hypervisor's receive backend. With one NIC queue (`software` sorting) one I/O core
 * takes every packet and the switch sorts it; with a queue per VM (VMDq) the NIC has sorted
 * it and each queue's interrupt goes to its own core. Either way the hypervisor copies.
 */
const backendRx = (sorting: 'software' | 'nic', extra: WorkSpec[] = [], aggregates = true): HopSpec => ({
  kind: 'cpu',
  name: 'backend',
  core: sorting === 'software' ? 'io' : 'io-per-vm',
  instances: sorting === 'software' ? 'shared' : 'per-vm',
  ring: 'nic_rx',
  notify: physicalInterrupt,
  aggregate: aggregates ? ['lro', 'gro'] : [],
  work: [
    { cause: 'driver', cycles: 'host_driver', per_descriptor: true },
    ...(sorting === 'software' ? [{ cause: 'switch', cycles: 'vswitch_sort' } as WorkSpec] : []),
    { cause: 'copy', cycles_per_byte: 'copy_per_byte' },
    ...extra,
  ],
});

/**
 * The hypervisor's transmit backend: pull from the VM's ring, switch, copy, hand to the NIC.
 * A paravirtual kick is handled where it exits, on the vCPU's core (KVM's in-kernel
 * ioeventfd, ESX's transmit in the VM's own context); an emulated device's is handled by
 * the device model on the I/O core.
 */
const backendTx = (
  core: 'io' | 'io-per-vm' | 'vcpu',
  extra: WorkSpec[] = [],
  notify: NotifySpec = paravirtualKick,
): CpuHop => ({
  kind: 'cpu',
  name: 'backend',
  core,
  instances: 'per-vm',
  ring: 'vring',
  notify,
  work: [
    ...extra,
    { cause: 'switch', cycles: 'vswitch_sort' },
    { cause: 'copy', cycles_per_byte: 'copy_per_byte' },
    { cause: 'driver', cycles: 'host_driver' },
  ],
});

/**
 * A Linux host kernel receiving from its NIC for a VM (KVM's host, Xen's dom0): the NIC's
 * RSS queue for the VM's flow interrupts a host core, the driver takes the frames and the
 * bridge (or OvS kernel datapath) hands them to the VM's tap or vif. The host's driver is
 * a Linux driver, so it costs what the native one does.
 */
const hostKernelRx: CpuHop = {
  kind: 'cpu',
  name: 'host',
  core: 'io-per-vm',
  instances: 'per-vm',
  ring: 'nic_rx',
  notify: physicalInterrupt,
  aggregate: ['lro', 'gro'],
  work: [
    { cause: 'driver', cycles: 'guest_driver', per_descriptor: true },
    { cause: 'switch', cycles: 'kernel_switch' },
  ],
};

/** A Linux host kernel sending a VM's packet: bridge to the NIC, then its driver. */
const hostKernelTxWork: WorkSpec[] = [
  { cause: 'switch', cycles: 'kernel_switch' },
  { cause: 'driver', cycles: 'guest_driver' },
];

/** The tap device's queue between the host bridge and a virtio backend: 500 packets ([K13], docs/references.md). */
const TAP_QUEUE = 500;

/** A kernel thread or process woken by the host: the wake-up is a signal, no exit. */
const hostWakeup: NotifySpec = { kind: 'kick', consumer: [{ cause: 'interrupts', cycles: 'notify_signal' }] };

/**
 * A virtio backend thread (vhost-net worker, or a user-space device model's thread) taking
 * packets from the tap queue into the guest's ring, in process context on a host core.
 */
const virtioBackendRx = (name: string, copies: WorkSpec[]): CpuHop => ({
  kind: 'cpu',
  name,
  core: 'io-per-vm',
  instances: 'per-vm',
  ring: TAP_QUEUE,
  notify: hostWakeup,
  context: 'process',
  work: [{ cause: 'driver', cycles: 'vhost_per_packet' }, ...copies],
});

/** The same thread taking a guest's transmitted packets from its ring to the tap and the NIC. */
const virtioBackendTx = (name: string, copies: WorkSpec[]): CpuHop => ({
  kind: 'cpu',
  name,
  core: 'io-per-vm',
  instances: 'per-vm',
  ring: 'vring',
  notify: paravirtualKick,
  context: 'process',
  work: [{ cause: 'driver', cycles: 'vhost_per_packet' }, ...copies, ...hostKernelTxWork],
});

const copyFromDram: WorkSpec = { cause: 'copy', cycles_per_byte: 'copy_per_byte' };

/**
 * An OVS-DPDK poll-mode thread: it polls NIC queues and vhost-user rings without sleeping
 * (its core is 100 % busy even when idle, [D6]), switches in user space and copies into or
 * out of the guest's virtio ring. The guest's kicks are suppressed while it polls.
 */
const pmd = (ring: 'nic_rx' | 'vring'): HopSpec => ({
  kind: 'cpu',
  name: 'pmd',
  core: 'io-per-vm',
  instances: 'per-vm',
  ring,
  notify: poll,
  busy_poll: true,
  work: [
    { cause: 'driver', cycles: 'pmd_io', per_descriptor: true },
    { cause: 'switch', cycles: 'dpdk_switch' },
    copyFromDram,
  ],
});

/** The hosted VMM's guest, taking forwarded host interrupts in its world: each costs a world switch, then the emulated NIC's accesses. */
const hostedGuestRx: HopSpec = {
  kind: 'cpu',
  name: 'guest',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'vring',
  notify: {
    kind: 'interrupt',
    producer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
    consumer: [
      { cause: 'exits', cycles: 'world_switch' },
      { cause: 'interrupts', cycles: 'irq_handler' },
      ...emulatedAccesses('emulated_accesses_per_interrupt'),
    ],
  },
  work: [
    // The VMM copies the frame from the host's buffer into the guest's emulated ring.
    { cause: 'copy', cycles_per_byte: 'copy_per_byte' },
    ...emulatedAccesses('emulated_accesses_per_packet').map((w) => ({ ...w, per_descriptor: true })),
    ...stackRxWork,
  ],
};

export const BUILTIN_PATHS = {
  native: {
    description:
      'bare metal: the NIC steers each flow to a queue (RSS) whose interrupt and stack run on the application core',
    nic_sorting: 'rss',
    rx: [
      wireRx,
      dma,
      {
        kind: 'cpu',
        name: 'stack',
        core: 'vcpu',
        instances: 'per-vm',
        ring: 'nic_rx',
        notify: physicalInterrupt,
        aggregate: ['lro', 'gro'],
        work: stackRxWork,
      },
      socketRead,
    ],
    tx: [{ ...guestTx, name: 'stack' }, dma, wireTx],
  },

  emulated: {
    description:
      'e1000-style emulated NIC: every guest register access exits and is emulated; the hypervisor switch sorts and copies on one I/O core; interrupts are injected',
    nic_sorting: 'none',
    rx: [
      wireRx,
      dma,
      // The device model also writes the received descriptor back into the emulated ring. An
      // e1000 takes frames, not aggregates, into its 2 KB receive buffers: nothing is merged.
      backendRx('software', [{ cause: 'emulation', cycles: 'emulation_access' }], false),
      {
        kind: 'cpu',
        name: 'guest',
        core: 'vcpu',
        instances: 'per-vm',
        ring: 'vring',
        // The device model raises the interrupt: it cannot be posted past it.
        notify: {
          ...virtualInterrupt,
          posted: false,
          consumer: [...(virtualInterrupt.consumer ?? []), ...emulatedAccesses('emulated_accesses_per_interrupt')],
        },
        aggregate: ['gro'],
        work: [
          ...emulatedAccesses('emulated_accesses_per_packet').map((w) => ({ ...w, per_descriptor: true })),
          ...stackRxWork,
        ],
      },
      socketRead,
    ],
    tx: [
      {
        ...guestTx,
        work: [...stackTxWork, ...emulatedAccesses('emulated_accesses_per_packet')],
      },
      // The tail-register write is the notification, and its exit is already charged per packet.
      // The device model computes the checksum the guest asked the "NIC" to offload ([C19]).
      {
        ...backendTx('io', [{ cause: 'emulation', cycles: 'emulation_access' }], {
          kind: 'kick',
          consumer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
        }),
        checksum: 'always',
      },
      dma,
      wireTx,
    ],
  },

  paravirtual: {
    description:
      'virtio/vmxnet-style shared rings with batched kicks and interrupts; the hypervisor switch still sorts and copies, on one I/O core for the single receive queue',
    nic_sorting: 'none',
    rx: [wireRx, dma, backendRx('software'), guestRxParavirtual, socketRead],
    tx: [guestTx, backendTx('vcpu'), dma, wireTx],
  },

  vmdq: {
    description:
      'VMDq/NetQueue: the NIC sorts received packets into a queue per VM, each with its own interrupt on its own hypervisor core; the hypervisor still copies. Transmit is as paravirtual',
    nic_sorting: 'vmdq',
    rx: [wireRx, dma, backendRx('nic'), guestRxParavirtual, socketRead],
    tx: [guestTx, backendTx('vcpu'), dma, wireTx],
  },

  sriov: {
    description:
      'SR-IOV: each VM drives a PCIe virtual function; the NIC DMAs straight into guest memory through the IOMMU, with no switch and no copy; interrupts still exit to the hypervisor unless posted',
    nic_sorting: 'vf',
    rx: [wireRx, dmaIommu, vfGuestRx(passthroughInterrupt), socketRead],
    tx: [guestTx, dmaIommu, wireTx],
  },

  'vhost-net': {
    description:
      "KVM with vhost-net: the host kernel bridges each VM's packets to its tap; an in-kernel worker thread per VM copies them into the guest's virtio ring and signals it through irqfd; guest kicks reach the worker through ioeventfd without leaving the kernel",
    nic_sorting: 'rss',
    rx: [wireRx, dma, hostKernelRx, virtioBackendRx('vhost', [copyFromDram]), guestRxParavirtual, socketRead],
    tx: [guestTx, virtioBackendTx('vhost', [copyFromDram]), dma, wireTx],
  },

  'virtio-mq': {
    description:
      "multi-queue virtio over vhost-net: two queue pairs per VM, each with its own vhost worker thread and host queue, on the hypervisor cores (patch servers for more). iovsim's guest has one vCPU, so the queues relieve the host side only",
    nic_sorting: 'rss',
    rx: [
      wireRx,
      dma,
      { ...hostKernelRx, servers: 2 },
      { ...virtioBackendRx('vhost', [copyFromDram]), servers: 2 },
      guestRxParavirtual,
      socketRead,
    ],
    tx: [guestTx, { ...virtioBackendTx('vhost', [copyFromDram]), servers: 2 }, dma, wireTx],
  },

  'userspace-virtio': {
    description:
      "KVM with QEMU's own virtio-net device (no vhost): a device-model thread per VM reads each packet from the tap into its buffer and copies it again into the guest (two copies on receive, one on transmit)",
    nic_sorting: 'rss',
    rx: [
      wireRx,
      dma,
      hostKernelRx,
      // read() from the tap copies out of the kernel; the second copy reads what the first wrote, from cache.
      virtioBackendRx('qemu', [copyFromDram, { cause: 'copy', cycles_per_byte: 'copy_cached_per_byte' }]),
      guestRxParavirtual,
      socketRead,
    ],
    tx: [guestTx, virtioBackendTx('qemu', [copyFromDram]), dma, wireTx],
  },

  'vhost-user': {
    description:
      'OVS-DPDK with vhost-user: poll-mode threads on dedicated hypervisor cores (busy even when idle) take packets from the NIC, switch them in user space and copy them into the guest ring; the guest is still interrupted (through an eventfd), but its kicks are suppressed while the threads poll',
    nic_sorting: 'rss',
    rx: [wireRx, dma, pmd('nic_rx'), guestRxParavirtual, socketRead],
    tx: [guestTx, pmd('vring'), dma, wireTx],
  },

  'sriov-posted': {
    description:
      "SR-IOV with exitless interrupt delivery (VT-d posted interrupts, ELI, DID): the VF's interrupt reaches the running vCPU without an exit, so only the guest's own handler runs",
    nic_sorting: 'vf',
    rx: [wireRx, dmaIommu, vfGuestRx(exitlessInterrupt), socketRead],
    tx: [guestTx, dmaIommu, wireTx],
  },

  'xen-netback': {
    description:
      "Xen split drivers: dom0's kernel bridges each packet to the VM's vif, where a netback thread grant-copies it into the guest's page (the copy hypercall batched per wake-up) and notifies netfront by event channel; on transmit netback grant-copies the header and grant-maps the rest",
    nic_sorting: 'rss',
    rx: [
      wireRx,
      dma,
      hostKernelRx,
      {
        kind: 'cpu',
        name: 'netback',
        core: 'io-per-vm',
        instances: 'per-vm',
        ring: TAP_QUEUE,
        // One grant-copy hypercall per wake-up carries the batch ([XN2]).
        notify: { ...hostWakeup, consumer: [...(hostWakeup.consumer ?? []), { cause: 'exits', cycles: 'vm_exit' }] },
        context: 'process',
        work: [{ cause: 'copy', cycles: 'xen_grant_rx' }, copyFromDram],
      },
      guestRxParavirtual,
      socketRead,
    ],
    tx: [
      guestTx,
      {
        kind: 'cpu',
        name: 'netback',
        core: 'io-per-vm',
        instances: 'per-vm',
        ring: 'vring',
        notify: paravirtualKick,
        context: 'process',
        // The payload is grant-mapped and sent from the guest's page: only the header is copied ([XN8]).
        work: [{ cause: 'copy', cycles: 'xen_grant_tx' }, ...hostKernelTxWork],
      },
      dma,
      wireTx,
    ],
  },

  hosted: {
    description:
      'a hosted VMM (VMware Workstation style): the VMM cannot drive the NIC, so each send is a world switch to the host OS, whose VMNet and NIC drivers do the I/O; received packets arrive in the host, which forwards the interrupt to the VMM by another world switch; the guest sees an emulated NIC',
    nic_sorting: 'none',
    rx: [
      wireRx,
      dma,
      {
        kind: 'cpu',
        name: 'host',
        core: 'io',
        instances: 'shared',
        ring: 'nic_rx',
        notify: physicalInterrupt,
        work: [{ cause: 'driver', cycles: 'hosted_host_io' }],
      },
      hostedGuestRx,
      socketRead,
    ],
    tx: [
      { ...guestTx, work: [...stackTxWork, ...emulatedAccesses('emulated_accesses_per_packet')] },
      {
        kind: 'cpu',
        name: 'host',
        core: 'io-per-vm',
        instances: 'per-vm',
        ring: 'vring',
        // The guest's transmit access world-switches to the host; sends queued meanwhile go with it.
        notify: { kind: 'kick', producer: [{ cause: 'exits', cycles: 'world_switch' }] },
        work: [{ cause: 'driver', cycles: 'hosted_host_io' }],
      },
      dma,
      wireTx,
    ],
  },
} as const satisfies Record<string, PathSpec>;

export type BuiltinPathName = keyof typeof BUILTIN_PATHS;
export const BUILTIN_PATH_NAMES = Object.keys(BUILTIN_PATHS) as BuiltinPathName[];

/**
 * The paths a scenario runs when it names none: the five of the 10GbE-era comparison. The
 * hypervisor families are run by naming them (`paths: [vhost-net, sriov-posted]`).
 */
export const DEFAULT_PATH_NAMES: readonly BuiltinPathName[] = ['native', 'emulated', 'paravirtual', 'vmdq', 'sriov'];
