import { CAUSE_COUNT, causeIndex } from './causes.js';
import type { ModelConfig } from './config.js';
import type { CostValues } from './costs.js';
import { KIND_COUNT, PACKET_KINDS } from './packets.js';
import type { Amount, CoreRole, WorkSpec } from './path-spec.js';

/** Cycles per cause (index into CAUSES) of a notification's work list, and the VM exits they include. */
export interface CycleVector {
  perCause: Float64Array;
  exits: number;
  /** The causes whose cycles are not zero, in cause order: what a charge needs to add. */
  causes: Int32Array;
}

/** The indexes of the non-zero entries of `v` from `from` to `from + n`, relative to `from`. */
function nonZero(n: number, ...vs: { v: Float64Array; from: number }[]): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (vs.some(({ v, from }) => v[from + i] !== 0)) out.push(i);
  return Int32Array.from(out);
}

/**
 * A hop's per-packet work resolved for each packet kind, flattened as kind * CAUSE_COUNT +
 * cause: cycles per packet, per frame and per byte, with their totals and the exits they
 * include, so a turn adds a few numbers instead of walking the work list.
 */
export interface KindCosts {
  perPacket: Float64Array;
  perDescriptor: Float64Array;
  perByte: Float64Array;
  /** Totals over causes, per kind. */
  packetTotal: Float64Array;
  descriptorTotal: Float64Array;
  byteTotal: Float64Array;
  /** Exits per packet and per frame, per kind. */
  packetExits: Float64Array;
  descriptorExits: Float64Array;
  /**
   * Per kind, the causes with any cost per packet, per frame or per byte, in cause order: a
   * turn adds only these (adding the others' zeros would change nothing).
   */
  active: Int32Array[];
}

/** The number an amount stands for: itself, or the cost of that name. */
export function amount(a: Amount | undefined, costs: CostValues, fallback: number): number {
  if (a === undefined) return fallback;
  return typeof a === 'number' ? a : costs[a];
}

/** A notification's work list as cycles per cause; `posted` leaves out what posted delivery skips. */
export function cycleVector(work: WorkSpec[] | undefined, costs: CostValues, posted = false): CycleVector {
  const v: CycleVector = { perCause: new Float64Array(CAUSE_COUNT), exits: 0, causes: new Int32Array(0) };
  for (const w of work ?? []) {
    if (posted && w.unless_posted) continue;
    const count = amount(w.count, costs, 1);
    const c = amount(w.cycles, costs, 0);
    v.perCause[causeIndex(w.cause)] += c * count;
    // Each exit-cause item is one exit per count (a kick, an EOI, a register access).
    if (w.cause === 'exits' && c > 0) v.exits += count;
  }
  v.causes = nonZero(CAUSE_COUNT, { v: v.perCause, from: 0 });
  return v;
}

/** A hop's per-packet work list, resolved per packet kind. */
export function kindCosts(work: WorkSpec[], costs: CostValues): KindCosts {
  const n = KIND_COUNT * CAUSE_COUNT;
  const k: KindCosts = {
    perPacket: new Float64Array(n),
    perDescriptor: new Float64Array(n),
    perByte: new Float64Array(n),
    packetTotal: new Float64Array(KIND_COUNT),
    descriptorTotal: new Float64Array(KIND_COUNT),
    byteTotal: new Float64Array(KIND_COUNT),
    packetExits: new Float64Array(KIND_COUNT),
    descriptorExits: new Float64Array(KIND_COUNT),
    active: [],
  };
  PACKET_KINDS.forEach((kind, ki) => {
    for (const w of work) {
      if (w.kinds && !w.kinds.includes(kind)) continue;
      const count = amount(w.count, costs, 1);
      const c = amount(w.cycles, costs, 0) * count;
      const b = amount(w.cycles_per_byte, costs, 0) * count;
      const at = ki * CAUSE_COUNT + causeIndex(w.cause);
      (w.per_descriptor ? k.perDescriptor : k.perPacket)[at] += c;
      k.perByte[at] += b;
      (w.per_descriptor ? k.descriptorTotal : k.packetTotal)[ki] += c;
      k.byteTotal[ki] += b;
      if (w.cause === 'exits' && c > 0) (w.per_descriptor ? k.descriptorExits : k.packetExits)[ki] += count;
    }
  });
  k.active = PACKET_KINDS.map((_, ki) => {
    const from = ki * CAUSE_COUNT;
    return nonZero(CAUSE_COUNT, { v: k.perPacket, from }, { v: k.perDescriptor, from }, { v: k.perByte, from });
  });
  return k;
}

/** Cycles a work list spends on one data packet of one frame of `bytes` bytes, all causes together. */
export function workCycles(work: WorkSpec[] | undefined, costs: CostValues, bytes: number): number {
  const k = kindCosts(work ?? [], costs);
  return k.packetTotal[0] + k.descriptorTotal[0] + k.byteTotal[0] * bytes;
}

/** Which core serves VM `vm`'s instance of a hop with role `role`. */
export function coreFor(cfg: ModelConfig, role: CoreRole, vm: number): number {
  if (typeof role === 'number') return role;
  if (role === 'io') return 0;
  if (role === 'io-per-vm') return vm % cfg.host.hypervisorCores;
  return cfg.host.vcpuCores[vm % cfg.host.vcpuCores.length];
}

/**
 * The cores of the `servers` consumers of VM `vm`'s instance of a hop. A per-VM hop on the
 * hypervisor cores with several servers (a backend thread per queue pair) spreads them over
 * those cores round-robin, VM by VM, wrapping; otherwise the servers sit on consecutive
 * cores from the hop's first core.
 */
export function coresFor(cfg: ModelConfig, role: CoreRole, vm: number, servers: number): number[] {
  if (role === 'io-per-vm' && servers > 1) {
    const n = cfg.host.hypervisorCores;
    return Array.from({ length: servers }, (_, j) => (vm * servers + j) % n);
  }
  const first = coreFor(cfg, role, vm);
  return Array.from({ length: servers }, (_, j) => first + j);
}
