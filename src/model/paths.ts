import type { HopSpec, NotifySpec, PathSpec, WorkSpec } from './path-spec.js';

/**
 * The built-in I/O paths, as data. Each mechanism follows the sources' description of the
 * path (docs/references.md, R1-R8 and the mechanisms section); the costs are names in the
 * cost table (costs.ts).
 */

// Building blocks shared by several paths. They are plain data, so a path reads as the
// list of what a packet meets.

const wireRx: HopSpec = { kind: 'wire', name: 'wire', ring: 'switch_buffer' };
const wireTx: HopSpec = { kind: 'wire', name: 'wire', ring: 'nic_tx' };
const dma: HopSpec = { kind: 'delay', name: 'dma', ns: ['dma_ns'] };
const dmaIommu: HopSpec = { kind: 'delay', name: 'dma', ns: ['dma_ns', 'iommu_ns'] };

/** The guest's (or native kernel's) own per-packet work: driver, stack, and the socket copy. */
const guestWork: WorkSpec[] = [
  { cause: 'driver', cycles: 'guest_driver' },
  { cause: 'guest', cycles: 'guest_stack' },
  { cause: 'guest', cycles_per_byte: 'copy_per_byte' },
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
 * again on EOI.
 */
const virtualInterrupt: NotifySpec = {
  kind: 'interrupt',
  producer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
  consumer: [
    { cause: 'exits', cycles: 'vm_exit' },
    { cause: 'interrupts', cycles: 'irq_handler' },
    { cause: 'exits', cycles: 'eoi_exit' },
  ],
};

/**
 * A VF's interrupt: the NIC interrupts the core running the vCPU, which exits to the
 * hypervisor; the hypervisor handles it and injects it; the guest handles it and exits on EOI.
 */
const passthroughInterrupt: NotifySpec = {
  kind: 'interrupt',
  moderated: true,
  consumer: [
    { cause: 'exits', cycles: 'vm_exit' },
    { cause: 'interrupts', cycles: 'irq_handler' },
    { cause: 'interrupts', cycles: 'irq_handler' },
    { cause: 'exits', cycles: 'eoi_exit' },
  ],
};

/** A paravirtual kick: the guest exits to notify, the hypervisor wakes the backend. */
const paravirtualKick: NotifySpec = {
  kind: 'kick',
  producer: [{ cause: 'exits', cycles: 'kick_exit' }],
  consumer: [{ cause: 'interrupts', cycles: 'notify_signal' }],
};

const poll: NotifySpec = { kind: 'poll' };

/** Guest receive behind a paravirtual ring: woken by a virtual interrupt. */
const guestRxParavirtual: HopSpec = {
  kind: 'cpu',
  name: 'guest',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'vring',
  notify: virtualInterrupt,
  work: guestWork,
};

/** The application sending: its stack and driver run on its own core as it sends. */
const guestTx: HopSpec = {
  kind: 'cpu',
  name: 'guest',
  core: 'vcpu',
  instances: 'per-vm',
  ring: 'socket_buffer',
  notify: poll,
  work: guestWork,
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
  work: [
    { cause: 'driver', cycles: 'host_driver' },
    ...(sorting === 'software' ? [{ cause: 'switch', cycles: 'vswitch_sort' } as WorkSpec] : []),
    { cause: 'copy', cycles_per_byte: 'copy_per_byte' },
    ...extra,
  ],
});

/** The hypervisor's transmit backend: pull from the VM's ring, switch, copy, hand to the NIC. */
const backendTx = (
  core: 'io' | 'io-per-vm',
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
        work: guestWork,
      },
    ],
    tx: [{ ...guestTx, name: 'stack' } as HopSpec, dma, wireTx],
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
        notify: {
          ...virtualInterrupt,
          consumer: [...(virtualInterrupt.consumer ?? []), ...emulatedAccesses('emulated_accesses_per_interrupt')],
        },
        work: [...emulatedAccesses('emulated_accesses_per_packet'), ...guestWork],
      },
    ],
    tx: [
      {
        ...guestTx,
        work: [...guestWork, ...emulatedAccesses('emulated_accesses_per_packet')],
      } as HopSpec,
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
    rx: [wireRx, dma, backendRx('software'), guestRxParavirtual],
    tx: [guestTx, backendTx('io'), dma, wireTx],
  },

  vmdq: {
    description:
      'VMDq/NetQueue: the NIC sorts received packets into a queue per VM, each with its own interrupt on its own hypervisor core; the hypervisor still copies. Transmit is as paravirtual',
    nic_sorting: 'vmdq',
    rx: [wireRx, dma, backendRx('nic'), guestRxParavirtual],
    tx: [guestTx, backendTx('io'), dma, wireTx],
  },

  sriov: {
    description:
      'SR-IOV: each VM drives a PCIe virtual function; the NIC DMAs straight into guest memory through the IOMMU, with no switch and no copy; interrupts still exit to the hypervisor',
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
        work: guestWork,
      },
    ],
    tx: [guestTx, dmaIommu, wireTx],
  },
} satisfies Record<string, PathSpec>;

export type BuiltinPathName = keyof typeof BUILTIN_PATHS;
export const BUILTIN_PATH_NAMES = Object.keys(BUILTIN_PATHS) as BuiltinPathName[];
