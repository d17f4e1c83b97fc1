/**
 * The cost table: every CPU and latency cost the model charges, declared once with its unit,
 * default, meaning and where the default comes from. Paths refer to these by name; a
 * scenario may override any of them (globally under `costs:`, or for one custom path).
 *
 * Sources cite rows of docs/references.md by id ([X1], [R2], ...). A value marked "fit" is
 * not a published measurement: it is chosen so that the published end-to-end results (the
 * R rows) come out, and docs/calibration.md argues each one.
 */
export interface CostParam {
  readonly unit: 'cycles' | 'cycles/byte' | 'ns' | 'count';
  readonly default: number;
  readonly help: string;
  readonly source: string;
}

export const COSTS = {
  vm_exit: {
    unit: 'cycles',
    default: 2000,
    help: 'VM exit + entry round trip (hardware world switch), charged to the vCPU core',
    source: '[X1]: ~2,000 cycles, SplitX (Landau et al.), Xeon X5570 (Nehalem) 2.93 GHz, KVM',
  },
  eoi_exit: {
    unit: 'cycles',
    default: 1556,
    help: 'virtual interrupt completion: the exit taken when the guest writes EOI',
    source: '[X8]: 1,556 cycles, Dall et al. ISCA 2016, Xeon E5-2450 (Sandy Bridge)',
  },
  kick_exit: {
    unit: 'cycles',
    default: 2565,
    help: 'guest notification (kick) of a paravirtual backend: an exit handled in the host kernel',
    source: '[X5]: exit handled in the host kernel, 2,565 cycles, Dall et al. ATC 2017, Xeon E5-2450',
  },
  notify_signal: {
    unit: 'cycles',
    default: 560,
    help: 'signalling the other side of a paravirtual ring (ioeventfd/irqfd wake-up), charged to the signalling core',
    source: '[X7]: guest-to-backend notify through ioeventfd, 560 cycles, Dall et al. ISCA 2016, Xeon E5-2450',
  },
  emulation_access: {
    unit: 'cycles',
    default: 4700,
    help: 'device-model work to emulate one register access, on top of the exit itself',
    source: 'derived: [X6] exit handled in user space (QEMU), 6,732 cycles, minus the [X1] ~2,000-cycle world switch',
  },
  emulated_accesses_per_packet: {
    unit: 'count',
    default: 1,
    help: 'emulated NIC register accesses per packet (the ring tail write), each an exit plus emulation',
    source:
      '[N6], [R8]: e1000 (82545EM) programming model, every guest register access traps; one tail write per packet',
  },
  emulated_accesses_per_interrupt: {
    unit: 'count',
    default: 3,
    help: 'emulated NIC register accesses per interrupt (read ICR, mask, unmask), each an exit plus emulation',
    source: '[N6], [R8]: e1000 (82545EM) programming model: the interrupt handler reads ICR and masks/unmasks IMS',
  },
  irq_handler: {
    unit: 'cycles',
    default: 1500,
    help: 'taking and handling one interrupt in a kernel (native, host or guest): entry, handler, NAPI schedule, exit',
    source:
      'fit to [R6] (CPU +1.76 % per VM at the bulk ITR); the order of one kernel-handled exit ([X4], [X5]: 1,300-2,565 cycles); docs/calibration.md',
  },
  vswitch_sort: {
    unit: 'cycles',
    default: 3500,
    help: 'software switch: classify one packet by MAC/VLAN and pick its destination port',
    source: 'fit to [R2] (5-6 Gbit/s on one I/O core) and [R4] (line rate with VMDq); docs/calibration.md',
  },
  copy_per_byte: {
    unit: 'cycles/byte',
    default: 0.5,
    help: 'copying one byte from DRAM (hypervisor copy into the guest, or socket copy to user space)',
    source: '[C1], [C2]: 5.9 GB/s single-thread copy (E5-2670) at 2.93 GHz = 0.50 cycles/byte; 1,500 B = 254 ns',
  },
  checksum_per_byte: {
    unit: 'cycles/byte',
    default: 0.25,
    help: 'computing the Internet checksum of one byte in software (csum_partial), where no NIC offload does it',
    source:
      '[C6]: about 4 bytes per cycle with 2-clock ADC (Intel before Sandy Bridge/Broadwell) = 0.25 cycles/byte; 8 bytes per cycle on later parts and AMD ([C8], [C10])',
  },
  host_driver: {
    unit: 'cycles',
    default: 1500,
    help: 'hypervisor-side per-packet work: physical NIC driver and backend bookkeeping (netback, vmkernel)',
    source: 'fit to [R2] and [R4] together with vswitch_sort; docs/calibration.md',
  },
  guest_driver: {
    unit: 'cycles',
    default: 800,
    help: 'per-packet NIC driver work in the guest (or native kernel): descriptors, buffers, doorbell',
    source:
      "fit, with guest_stack and tcp_ack, to [R2]'s CPU (25-35 % of 8 cores); the driver/stack split follows [L4] (netdev 16 % against TCP/IP 37 %); docs/calibration.md",
  },
  tcp_ack: {
    unit: 'cycles',
    default: 600,
    help: 'TCP/IP work to build and send one pure ACK, or to receive and process one (no payload, no socket queueing)',
    source: "fit, with guest_stack, to [R2] and [R7]; about half a data segment's stack work; docs/calibration.md",
  },
  guest_stack: {
    unit: 'cycles',
    default: 1800,
    help: 'per-packet TCP/IP stack and socket work in the guest (or native kernel), excluding the data copy',
    source:
      "fit, with guest_driver and tcp_ack, to [R2]'s CPU (25-35 % of 8 cores), consistent with [R7]'s native receive; docs/calibration.md",
  },
  copy_cached_per_byte: {
    unit: 'cycles/byte',
    default: 0.125,
    help: 'copying one byte that is already in cache (a second copy of data just copied, e.g. a user-space backend forwarding what it read)',
    source:
      '[C9], [C15]: 16 B/cycle for rep movs and 8 B/cycle for a plain loop on cached data (Ivy Bridge and later); the plain-loop rate, 0.125 cycles/byte, is taken (estimate)',
  },
  kernel_switch: {
    unit: 'cycles',
    default: 500,
    help: 'a Linux host kernel forwarding one packet between a physical NIC and a VM port (bridge or Open vSwitch kernel datapath lookup, tap or vif hand-off), excluding the NIC driver',
    source:
      'estimate from [L8]: the OvS kernel datapath forwards 1.88 Mpps per core between two physical ports, 1,400-1,750 cycles per packet at an assumed 2.6-3.3 GHz for receive driver, switching and transmit driver; about a third is taken as the switching',
  },
  vhost_per_packet: {
    unit: 'cycles',
    default: 800,
    help: 'an in-kernel (vhost-net) or user-space virtio backend handling one packet: virtqueue descriptors, the tap socket, bookkeeping; excluding the byte copy',
    source:
      '[K7]: host NIC to guest through tap and vhost-net at 64 B, 2.50-3.05 Mpps on a 2.4 GHz Xeon: 787-960 cycles per packet on the busiest core, of which the 64-byte copy is a few tens (derived)',
  },
  pmd_io: {
    unit: 'cycles',
    default: 50,
    help: 'a DPDK poll-mode driver receiving or transmitting one packet (descriptor and mbuf handling, no interrupt)',
    source:
      '[D1]: testpmd io forwarding on one 2.3 GHz Haswell core reaches 23.3 Mpps, NIC-limited, so at most 99 cycles for receive and transmit together; half each (an upper bound)',
  },
  dpdk_switch: {
    unit: 'cycles',
    default: 400,
    help: 'a user-space (DPDK) switch passing one packet between a NIC queue and a vhost-user ring: lookup, virtio descriptors; excluding the PMD I/O and the byte copy',
    source:
      '[D2]: VPP L2 bridge with vhost-user on one 2.3 GHz Haswell core, 935 cycles per packet for two passes, ~470 per pass including PMD I/O (~50, [D1]) and a 64-byte vhost copy (~20); OVS-DPDK exact-match hits cost more, 814-895 per packet ([D5])',
  },
  xen_grant_rx: {
    unit: 'cycles',
    default: 4270,
    help: "Xen netback's grant operations to deliver one received packet into a guest's granted page (grant copy hypercall work per packet), excluding the byte copy",
    source:
      '[XN6]: per queue, 64-byte UDP receive, 5,011 cycles per packet with grant copy against 743 with pre-mapped grants on a 2.2 GHz Broadwell: ~4,270 for the grant operations (derived)',
  },
  xen_grant_tx: {
    unit: 'cycles',
    default: 2330,
    help: "Xen netback's grant operations to take one packet from a guest (grant copy of the header, grant map and unmap of the rest)",
    source:
      '[XN6]: per queue, 64-byte UDP transmit, 3,216 cycles per packet with grant copy against 884 with pre-mapped grants on a 2.2 GHz Broadwell: ~2,330 for the grant operations (derived); [XN8] for what they do',
  },
  world_switch: {
    unit: 'cycles',
    default: 5461,
    help: "a hosted VMM's world switch: leaving the VM's world for the host OS (and back) to have the host do I/O",
    source:
      '[X10]: 7.45 us for a world-switching I/O-port access on a 733 MHz Pentium III, VMware Workstation = 5,461 cycles',
  },
  hosted_host_io: {
    unit: 'cycles',
    default: 16639,
    help: "the host OS's work to send or receive one packet on a hosted VMM's behalf: system call, VMNet driver, host NIC driver",
    source:
      "[X26]: 22.7 us per packet transmitted (and per packet received) through the host's VMNet driver on a 733 MHz Pentium III, after Sugerman et al.'s optimisations = 16,639 cycles; measured on that platform only",
  },
  dma_ns: {
    unit: 'ns',
    default: 1000,
    help: 'NIC DMA latency: descriptor fetch and data transfer across PCIe (a delay, no CPU)',
    source: 'assumption: order of a PCIe round trip plus transfer; only latency depends on it',
  },
  iommu_ns: {
    unit: 'ns',
    default: 200,
    help: 'IOMMU (VT-d) address translation added to a DMA into guest memory (a delay, no CPU)',
    source: 'assumption: an IOTLB miss walk; only SR-IOV latency depends on it',
  },
} as const satisfies Record<string, CostParam>;

export type CostName = keyof typeof COSTS;
export type CostValues = Record<CostName, number>;

export const COST_NAMES = Object.keys(COSTS) as CostName[];

/** The defaults, with any overrides applied on top (later overrides win). */
export function resolveCosts(...overrides: (Partial<CostValues> | undefined)[]): CostValues {
  const values = {} as CostValues;
  for (const name of COST_NAMES) values[name] = COSTS[name].default;
  for (const o of overrides) if (o) Object.assign(values, o);
  return values;
}

/** The cost table as docs/model.md shows it, rendered from the declarations above. */
export function costTable(): string {
  const lines = ['| name | unit | default | meaning | source |', '|---|---|---|---|---|'];
  for (const n of COST_NAMES) {
    const c: CostParam = COSTS[n];
    lines.push(`| \`${n}\` | ${c.unit} | ${c.default} | ${c.help} | ${c.source} |`);
  }
  return lines.join('\n') + '\n';
}
