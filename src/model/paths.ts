import type { PacketKind } from './packets.js';
import type { HopSpec, NotifySpec, PathSpec, WorkSpec } from './path-spec.js';

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
const backendRx = (sorting: 'software' | 'nic', extra: WorkSpec[] = []): HopSpec => ({
  kind: 'cpu',
  name: 'backend',
  core: sorting === 'software' ? 'io' : 'io-per-vm',
  instances: sorting === 'software' ? 'shared' : 'per-vm',
  ring: 'nic_rx',
  notify: physicalInterrupt,
  aggregate: ['lro', 'gro'],
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
): HopSpec => ({
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
      // The device model also writes the received descriptor back into the emulated ring.
      backendRx('software', [{ cause: 'emulation', cycles: 'emulation_access' }]),
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
      backendTx('io', [{ cause: 'emulation', cycles: 'emulation_access' }], {
        kind: 'kick',
        consumer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
      }),
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
    rx: [
      wireRx,
      dmaIommu,
      {
        kind: 'cpu',
        name: 'guest',
        core: 'vcpu',
        instances: 'per-vm',
        ring: 'nic_rx',
        notify: passthroughInterrupt,
        aggregate: ['lro', 'gro'],
        work: stackRxWork,
      },
      socketRead,
    ],
    tx: [guestTx, dmaIommu, wireTx],
  },
} as const satisfies Record<string, PathSpec>;

export type BuiltinPathName = keyof typeof BUILTIN_PATHS;
export const BUILTIN_PATH_NAMES = Object.keys(BUILTIN_PATHS) as BuiltinPathName[];
