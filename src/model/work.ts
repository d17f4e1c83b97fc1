import { CAUSES, causeIndex } from './causes.js';
import type { ModelConfig } from './config.js';
import type { CostValues } from './costs.js';
import type { Amount, CoreRole, WorkSpec } from './path-spec.js';

/** Cycles per cause (index into CAUSES), resolved from a hop's work list, and the VM exits they include. */
export interface CycleVector {
  perCause: Float64Array;
  exits: number;
}

/** The number an amount stands for: itself, or the cost of that name. */
export function amount(a: Amount | undefined, costs: CostValues, fallback: number): number {
  if (a === undefined) return fallback;
  return typeof a === 'number' ? a : costs[a];
}

/** A work list's cycles per cause: its per-packet cycles, or (perByte) its cycles per frame byte. */
export function cycleVector(work: WorkSpec[] | undefined, costs: CostValues, perByte: boolean): CycleVector {
  const v: CycleVector = { perCause: new Float64Array(CAUSES.length), exits: 0 };
  for (const w of work ?? []) {
    const count = amount(w.count, costs, 1);
    const c = perByte ? amount(w.cycles_per_byte, costs, 0) : amount(w.cycles, costs, 0);
    v.perCause[causeIndex(w.cause)] += c * count;
    // Each exit-cause item is one exit per count (a kick, an EOI, a register access).
    if (!perByte && w.cause === 'exits' && c > 0) v.exits += count;
  }
  return v;
}

/** Cycles a work list spends on one packet of `bytes` bytes, all causes together. */
export function workCycles(work: WorkSpec[] | undefined, costs: CostValues, bytes: number): number {
  const sum = (v: Float64Array) => v.reduce((a, b) => a + b, 0);
  return sum(cycleVector(work, costs, false).perCause) + sum(cycleVector(work, costs, true).perCause) * bytes;
}

/** Which core serves VM `vm`'s instance of a hop with role `role`. */
export function coreFor(cfg: ModelConfig, role: CoreRole, vm: number): number {
  if (typeof role === 'number') return role;
  if (role === 'io') return 0;
  if (role === 'io-per-vm') return vm % cfg.host.hypervisorCores;
  return cfg.host.vcpuCores[vm % cfg.host.vcpuCores.length];
}
