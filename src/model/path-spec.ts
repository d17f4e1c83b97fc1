import type { Cause } from './causes.js';
import type { CostName } from './costs.js';
import type { PacketKind } from './packets.js';

/**
 * The data that describes an I/O path. The five built-in paths (paths.ts) and a scenario's
 * custom paths use this same shape, so a variant path needs no code.
 *
 * A path is, per direction, a list of hops a packet passes in order:
 * - `wire`: the Ethernet link, one packet at a time at line rate (+20 B per frame);
 * - `delay`: a fixed latency with no CPU (DMA, IOMMU translation);
 * - `cpu`: a ring of descriptors served by a core, woken by a notification, that spends
 *   cycles on each packet.
 */

/** A number, or the name of a cost in the cost table. */
export type Amount = number | CostName;

/**
 * Cycles spent on one cause. `cycles` is per packet (per batch in a notification) or, with
 * `per_descriptor`, per ring entry the poll takes before GRO merges them; `cycles_per_byte`
 * per frame byte.
 */
export interface WorkSpec {
  cause: Cause;
  cycles?: Amount;
  cycles_per_byte?: Amount;
  /** Multiplies the work (e.g. register accesses per packet). Default 1. */
  count?: Amount;
  /** The kinds of packet this work is done for (an ACK has no payload to copy). Default: every kind. */
  kinds?: PacketKind[];
  /**
   * Charged for each ring entry (descriptor) the poll takes, rather than once per packet it
   * passes on: a driver's work on every frame that GRO then merges. Without GRO the two are
   * the same; an LRO aggregate is one entry.
   */
  per_descriptor?: boolean;
  /** Not charged when the notification is delivered posted (the hypervisor's exits and handler that posting skips). */
  unless_posted?: boolean;
}

/**
 * How an idle ring's consumer is woken.
 * - `interrupt`: an interrupt; `moderated` ones obey the NIC's interrupt throttle rate (ITR).
 * - `kick`: the producer notifies the consumer (a doorbell that exits, or a signal).
 * - `poll`: the consumer runs as soon as work is there, at no notification cost.
 * A notification is sent only when the consumer is idle: while it is polling, packets are
 * picked up without one. That is how rings batch notifications.
 */
export interface NotifySpec {
  kind: 'interrupt' | 'kick' | 'poll';
  moderated?: boolean;
  /**
   * The interrupt can be posted to the running vCPU (APICv/AVIC and VT-d posted interrupts,
   * exitless delivery): on a host with `posted_interrupts`, the consumer's items marked
   * `unless_posted` are not charged.
   */
  posted?: boolean;
  /** Cycles charged to the producer's core for each notification. */
  producer?: WorkSpec[];
  /** Cycles charged to the consumer's core at the start of each batch (each wake-up). */
  consumer?: WorkSpec[];
}

/** Which ring capacity a hop uses: the scenario's NIC or host setting of that name, or a number of descriptors. */
export type RingRef = 'nic_rx' | 'nic_tx' | 'vring' | 'switch_buffer' | 'socket_buffer' | number;

/**
 * Which core serves a cpu hop:
 * - `io`: the hypervisor's (first) I/O core: ESX vmkernel or Xen dom0 with one thread;
 * - `io-per-vm`: the hypervisor core for this VM's queue or backend thread (VM i on
 *   hypervisor core i mod n): per-queue interrupts steered to cores, or vhost threads;
 * - `vcpu`: the core running the VM's vCPU (natively, the application's core);
 * - a number: that core, whatever the VM (for queueing networks pinned to cores).
 */
export type CoreRole = 'io' | 'io-per-vm' | 'vcpu' | number;

/**
 * How a packet's work varies around its mean (the cycles the work list gives):
 * `deterministic` (the default, exactly the mean), `exponential`, `{erlang: k}` (k
 * exponential phases), or `uniform` (0 to twice the mean). Batch (notification) costs stay
 * fixed. With these a hop is a plain queueing station (M/M/1, M/D/1, M/E_k/1, ...).
 */
export type ServiceSpec = 'deterministic' | 'exponential' | 'uniform' | { erlang: number };

export interface WireHop {
  kind: 'wire';
  name: string;
  /** The queue in front of the wire: the upstream switch port (rx) or the NIC's transmit rings (tx). */
  ring: RingRef;
}

export interface DelayHop {
  kind: 'delay';
  name: string;
  /** Summed to one delay in ns. */
  ns: Amount[];
}

export interface CpuHop {
  kind: 'cpu';
  name: string;
  core: CoreRole;
  /** One ring shared by all VMs' packets, or one ring (and consumer) per VM. */
  instances: 'shared' | 'per-vm';
  ring: RingRef;
  notify: NotifySpec;
  work: WorkSpec[];
  service?: ServiceSpec;
  /**
   * Consumers sharing the ring (an M/M/c station). On a shared hop they sit on consecutive
   * cores from the hop's core; on a per-VM hop (only on `io-per-vm`: a backend thread per
   * queue pair) VM i's servers take hypervisor cores i x servers, i x servers + 1, ...,
   * wrapping. Default 1.
   */
  servers?: number;
  /**
   * Which context the work runs in on its core: `softirq` (kernel: NAPI polls, backends) is
   * served before `process` (an application reading or writing its socket). Default softirq.
   */
  context?: 'softirq' | 'process';
  /** The packet kinds that stop at this hop; others pass straight through it (an ACK ends in the stack, not in the socket). Default: all. */
  carries?: PacketKind[];
  /**
   * Receive offload at this hop, when the scenario enables it: `lro`, the NIC merges frames
   * of a flow as they arrive in the ring (one descriptor per aggregate); `gro`, the poll
   * merges the frames it takes, after their per-frame work. Up to the scenario's maximum
   * aggregate size; per-packet work is then paid once per aggregate.
   */
  aggregate?: ('lro' | 'gro')[];
  /**
   * Copies of each payload byte this hop makes besides those its work list names, at the
   * platform's copy rate (cause `copy`): a user-space backend that reads from a TAP device
   * and writes into the guest copies twice. Default 0.
   */
  copies?: Amount;
  /**
   * The hop checksums payload in software (cause `copy`, at checksum_per_byte): `always`
   * (a device model emulating checksum offload), or `without_offload` (only when the
   * scenario's NIC does not offload checksums). Default: never.
   */
  checksum?: 'always' | 'without_offload';
  /**
   * The consumer polls instead of sleeping (a DPDK poll-mode driver): its core counts as
   * busy all the time, the polling between packets charged as driver cycles. Needs
   * `notify: {kind: poll}`.
   */
  busy_poll?: boolean;
}

export type HopSpec = WireHop | DelayHop | CpuHop;

/** Payload-carrying packet kinds (everything but a pure ACK). */
const PAYLOAD_KINDS: PacketKind[] = ['data', 'request', 'response'];

/**
 * A cpu hop's whole per-packet work: its work list, plus the copies and the software
 * checksum it declares (both per payload byte, cause copy). The model and the laws both
 * read a hop's work through this.
 */
export function effectiveWork(hop: CpuHop, checksumOffload: boolean): WorkSpec[] {
  const extra: WorkSpec[] = [];
  if (hop.copies !== undefined && hop.copies !== 0)
    extra.push({ cause: 'copy', cycles_per_byte: 'copy_per_byte', count: hop.copies, kinds: PAYLOAD_KINDS });
  if (hop.checksum === 'always' || (hop.checksum === 'without_offload' && !checksumOffload)) {
    extra.push({ cause: 'copy', cycles_per_byte: 'checksum_per_byte', kinds: PAYLOAD_KINDS });
  }
  return extra.length > 0 ? [...hop.work, ...extra] : hop.work;
}

/** Which NIC resource a path needs one of per VM; checked against the NIC's limits. */
export type NicSorting = 'none' | 'rss' | 'vmdq' | 'vf';

export interface PathSpec {
  description: string;
  /** `none`: one receive queue, sorted in software; `vmdq`: a VMDq pool per VM; `vf`: an SR-IOV VF per VM; `rss`: native per-flow queues. */
  nic_sorting: NicSorting;
  rx: HopSpec[];
  tx: HopSpec[];
}
