import type { ModelConfig } from '../model/config.js';
import { ACK_FRAME_BYTES, meanFrameBytes, tcpPayloadBytes, WIRE_OVERHEAD_BYTES } from '../model/config.js';
import { runHops } from '../model/network.js';
import { ACK, DATA, REQUEST, RESPONSE, type PacketKind } from '../model/packets.js';
import type { CpuHop, HopSpec } from '../model/path-spec.js';
import type { HopInfo, ResolvedPath } from '../model/result.js';
import { amount, coresFor } from '../model/work.js';
import type { Plan } from '../scenario/plan.js';
import type { Experiment } from '../scenario/resolve.js';
import { maximize } from '../stats/lp.js';
import { declaredCost } from './laws.js';

/**
 * An instant upper bound on what a path can deliver, from the operational laws instead of a
 * simulation: the utilization law (a resource's utilization = throughput x demand per unit
 * <= 1) for every core and wire, and Little's law for the windows and transactions a closed
 * loop keeps in flight.
 *
 * The unit of work is a delivered data frame (bulk traffic) or a transaction
 * (request/response). Each resource's demand per unit is a LOWER bound on what the model
 * spends, read from the declared costs (laws.ts declaredCost, not the model's cost code):
 * - per-packet work divided by the most frames a packet can hold where it is served (a TSO
 *   segment's frames; an LRO or GRO aggregate of the largest size the scenario allows, made
 *   of the smallest frames of the mix), per-descriptor work by the most frames an entry can
 *   hold (after LRO), per-byte work times the mean frame;
 * - notification and batch costs (interrupts, kicks, wake-ups) as zero: a consumer that
 *   never goes idle pays none, so zero is what the best batching gives;
 * - in saturate mode, the ACKs' work: one ACK per `ack_every` frames, or per aggregate when
 *   the receiver merges (at least 1 / (ack_every - 1 + largest aggregate) per frame).
 * Every lower bound on demand is an upper bound on throughput. VMs may get unequal shares,
 * so the bound is the optimum of a linear program over per-VM rates (which reduces to
 * min_k capacity_k / demand_k when all VMs share every resource alike), not a guess at the
 * share each gets.
 */

export type CapKind = 'offered load' | 'request rate' | 'window' | 'concurrency';

export interface EstimateResource {
  /** `core 3`, `cores 0-3` (several servers of one ring), `wire`, `return wire`. */
  name: string;
  kind: 'core' | 'wire';
  /** Cycles/s (a core pool) or bit/s (a wire). */
  capacity: number;
  /** Per VM: cycles or bits this resource spends per unit of work (a lower bound). */
  perUnit: number[];
  /** The hops whose work lands here (`return ...` for the return direction). */
  hops: string[];
  /** Delivered Gbit/s this resource alone would allow; Infinity when some VM's traffic does not use it. */
  aloneGbps: number;
}

export interface PathEstimate {
  path: string;
  unit: 'frame' | 'transaction';
  /** The resource (or loop limit) the bound comes from. */
  bottleneck: string;
  /** Upper bounds. */
  deliveredGbps: number;
  payloadGbps: number;
  deliveredMpps: number;
  /** Request/response: completed transactions/s. */
  transactionsPerSec?: number;
  resources: EstimateResource[];
  /** Per-VM limits on units/s besides the resources: the offered load, or a closed loop's window or concurrency over its least round trip. */
  cap?: { kind: CapKind; perVm: number[] };
  /** Saturate mode: the least number of ACKs per delivered frame. */
  acksPerFrame?: number;
  /** Closed loops: per VM, the least round trip in ns (a frame and its ACK; a transaction). */
  roundTripNs?: number[];
}

/** A packet as one unit of work sends it through a chain: how many per unit, its frames and bytes. */
interface Piece {
  count: number;
  frames: number;
  bytes: number;
}

const carries = (hop: CpuHop, kind: PacketKind): boolean => hop.carries === undefined || hop.carries.includes(kind);
const deterministic = (hop: CpuHop): boolean => hop.service === undefined || hop.service === 'deterministic';

/** The estimate of every path of one experiment. */
export function estimateExperiment(exp: Experiment): PathEstimate[] {
  return exp.paths.map((p) => estimatePath(exp.config, p));
}

export function estimatePath(cfg: ModelConfig, path: ResolvedPath): PathEstimate {
  const hops = runHops(cfg, path);
  const t = cfg.traffic;
  const rr = t.mode === 'request-response' ? t.rr! : undefined;
  const vms = cfg.vms;
  const costs = new Map<CpuHop, ReturnType<typeof declaredCost>>();
  const cost = (hop: CpuHop) => {
    let d = costs.get(hop);
    if (!d) costs.set(hop, (d = declaredCost(hop, path.costs, cfg.host.postedInterrupts, cfg.nic.checksumOffload)));
    return d;
  };

  // Cores that serve one ring together (`servers` > 1) are one resource: the ring's work may go to any of them.
  const parent = Array.from({ length: cfg.host.cores }, (_, i) => i);
  const find = (c: number): number => (parent[c] === c ? c : (parent[c] = find(parent[c])));
  for (const h of hops) {
    const s = h.spec;
    if (s.kind !== 'cpu' || (s.servers ?? 1) <= 1) continue;
    // Per-VM servers wrap around the hypervisor cores, so pools of different VMs may merge:
    // a pooled resource only loosens the bound.
    for (let vm = 0; vm < (s.instances === 'shared' ? 1 : vms); vm++) {
      const ids = coresFor(cfg, s.core, vm, s.servers!);
      for (const c of ids.slice(1)) parent[find(c)] = find(ids[0]);
    }
  }
  const resources: EstimateResource[] = [];
  const byKey = new Map<string, EstimateResource>();
  const resource = (key: string, make: () => Omit<EstimateResource, 'perUnit' | 'hops' | 'aloneGbps'>) => {
    let r = byKey.get(key);
    if (!r) {
      r = { ...make(), perUnit: new Array<number>(vms).fill(0), hops: [], aloneGbps: Infinity };
      byKey.set(key, r);
      resources.push(r);
    }
    return r;
  };
  const coreOf = (hop: CpuHop, vm: number) => {
    // The pool of the VM's first server: where the model puts it (per-VM servers on the
    // hypervisor cores start at vm x servers, not at core vm).
    const root = find(coresFor(cfg, hop.core, hop.instances === 'shared' ? 0 : vm, hop.servers ?? 1)[0]);
    const known = byKey.get(`core:${root}`);
    if (known) return known;
    const pool = parent.map((_, c) => c).filter((c) => find(c) === root);
    const name =
      pool.length === 1
        ? `core ${pool[0]}`
        : pool[pool.length - 1] - pool[0] === pool.length - 1
          ? `cores ${pool[0]}-${pool[pool.length - 1]}`
          : `cores ${pool.join(', ')}`;
    return resource(`core:${root}`, () => ({
      name,
      kind: 'core',
      capacity: cfg.host.clockGhz * 1e9 * pool.length,
    }));
  };
  const wiresIn = (chain: 'forward' | 'reverse') =>
    hops.filter((h) => h.chain === chain && h.spec.kind === 'wire').length;
  const wireOf = (h: HopInfo) => {
    const known = byKey.get(`wire:${h.chain}:${h.index}`);
    if (known) return known;
    const base = h.chain === 'forward' ? 'wire' : 'return wire';
    const name = wiresIn(h.chain) > 1 ? `${base} (${h.name} #${h.index})` : base;
    return resource(`wire:${h.chain}:${h.index}`, () => ({ name, kind: 'wire', capacity: cfg.nic.lineRateGbps * 1e9 }));
  };
  const hopLabel = (h: HopInfo) => (h.chain === 'reverse' ? `return ${h.name}` : h.name);
  /** Per resource, the demand of the forward chain alone (what a delivered request needs, if its response may be lost). */
  const forward = new Map<EstimateResource, number[]>();
  const charge = (r: EstimateResource, h: HopInfo, vm: number, amountPerUnit: number) => {
    if (!(amountPerUnit > 0)) return;
    r.perUnit[vm] += amountPerUnit;
    if (h.chain === 'forward') {
      if (!forward.has(r)) forward.set(r, new Array<number>(vms).fill(0));
      forward.get(r)![vm] += amountPerUnit;
    }
    if (!r.hops.includes(hopLabel(h))) r.hops.push(hopLabel(h));
  };

  /** The least time (ns) one packet of `kind` spends at a hop: its own service, no queueing, no notification. */
  const leastNs = (spec: HopSpec, kind: number, kindName: PacketKind, p: Piece): number => {
    if (spec.kind === 'wire') return ((p.bytes + WIRE_OVERHEAD_BYTES * p.frames) * 8) / cfg.nic.lineRateGbps;
    if (spec.kind === 'delay') return spec.ns.reduce((s: number, a) => s + amount(a, path.costs, 0), 0);
    if (!carries(spec, kindName) || !deterministic(spec)) return 0;
    const d = cost(spec);
    return (d.packet[kind] + d.entry[kind] + d.byte[kind] * p.bytes) / cfg.host.clockGhz;
  };

  /** Charges a chain's resources with `pieces` of `kind` per unit; returns the least time of a piece's traversal. */
  const chargeChain = (
    chain: 'forward' | 'reverse',
    vm: number,
    kind: number,
    kindName: PacketKind,
    pieces: Piece[],
  ) => {
    for (const h of hops) {
      if (h.chain !== chain) continue;
      const s = h.spec;
      if (s.kind === 'wire') {
        const bits = pieces.reduce((sum, p) => sum + p.count * (p.bytes + WIRE_OVERHEAD_BYTES * p.frames) * 8, 0);
        charge(wireOf(h), h, vm, bits);
      } else if (s.kind === 'cpu' && carries(s, kindName)) {
        const d = cost(s);
        const cycles = pieces.reduce(
          (sum, p) => sum + p.count * (d.packet[kind] + d.entry[kind] + d.byte[kind] * p.bytes),
          0,
        );
        charge(coreOf(s, vm), h, vm, cycles);
      }
    }
  };

  const deliveredBits: number[] = [];
  const payloadBits: number[] = [];
  const capPerVm: number[] = [];
  const roundTrip: number[] = [];
  let acksPerFrame: number | undefined;
  let capKind: CapKind | undefined;

  for (let vm = 0; vm < vms; vm++) {
    const mix = t.perVm[vm].frames;
    const totalWeight = mix.weights.reduce((a, b) => a + b, 0);
    const mean = meanFrameBytes(mix);
    const smallest = Math.min(...mix.bytes);
    const largest = Math.max(...mix.bytes);

    if (rr) {
      // A transaction: one request frame in (and the application), its response's frames out.
      const request: Piece = { count: 1, frames: 1, bytes: rr.requestFrameBytes };
      chargeChain('forward', vm, REQUEST, 'request', [request]);
      const full = Math.floor(rr.responseFrames / t.tsoFrames);
      const rest = rr.responseFrames - full * t.tsoFrames;
      const response: Piece[] = [
        { count: full, frames: t.tsoFrames, bytes: t.tsoFrames * rr.responseFrameBytes },
        { count: rest > 0 ? 1 : 0, frames: rest, bytes: rest * rr.responseFrameBytes },
      ].filter((p) => p.count > 0);
      chargeChain('reverse', vm, RESPONSE, 'response', response);
      deliveredBits.push(8 * rr.requestFrameBytes);
      payloadBits.push(8 * tcpPayloadBytes(rr.requestFrameBytes));
      if (rr.concurrency > 0) {
        // Little's law: at most `concurrency` transactions in flight, each taking at least the least round trip.
        let least = rr.peerLatencyNs;
        for (const h of hops) if (h.chain === 'forward') least += leastNs(h.spec, REQUEST, 'request', request);
        least += leastResponseNs(
          hops.filter((h) => h.chain === 'reverse'),
          response,
          (spec, p) => leastNs(spec, RESPONSE, 'response', p),
        );
        roundTrip.push(least);
        capPerVm.push(least > 0 ? rr.concurrency / (least / 1e9) : Infinity);
        capKind = 'concurrency';
      } else {
        capPerVm.push(rr.ratePerVm);
        capKind = 'request rate';
      }
      continue;
    }

    // Bulk: a delivered data frame. Per-packet work is shared by the frames of a packet,
    // per-descriptor work by the frames of a ring entry: count each at its largest.
    let framesPerPacket = t.tsoFrames;
    for (const h of hops) {
      if (h.chain !== 'forward') continue;
      const s = h.spec;
      if (s.kind === 'wire') charge(wireOf(h), h, vm, (mean + WIRE_OVERHEAD_BYTES) * 8);
      if (s.kind !== 'cpu' || !carries(s, 'data')) continue;
      const lro = cfg.nic.lro && s.aggregate?.includes('lro') === true;
      const gro = cfg.host.gro && s.aggregate?.includes('gro') === true;
      const perEntry = lro ? Math.max(framesPerPacket, Math.floor(cfg.nic.lroMaxBytes / smallest)) : framesPerPacket;
      const perPacket = gro ? Math.max(perEntry, Math.floor(cfg.host.groMaxBytes / smallest)) : perEntry;
      const d = cost(s);
      charge(coreOf(s, vm), h, vm, d.packet[DATA] / perPacket + d.entry[DATA] / perEntry + d.byte[DATA] * mean);
      framesPerPacket = perPacket;
    }
    deliveredBits.push(8 * mean);
    payloadBits.push((8 * mix.bytes.reduce((s, b, i) => s + tcpPayloadBytes(b) * mix.weights[i], 0)) / totalWeight);
    if (t.mode === 'open') {
      capPerVm.push(t.perVm[vm].pps * t.tsoFrames);
      capKind = 'offered load';
      continue;
    }
    // Saturate: the receiver ACKs every ack_every frames, or at once an aggregate of several
    // (the guest's LRO/GRO on receive, a GRO-capable peer's merge of a TSO segment on transmit).
    const merges = t.direction === 'rx' || t.peerGro;
    const perAck = merges && framesPerPacket > 1 ? t.ackEvery - 1 + framesPerPacket : t.ackEvery;
    acksPerFrame = 1 / perAck;
    const ack: Piece = { count: acksPerFrame, frames: 1, bytes: ACK_FRAME_BYTES };
    chargeChain('reverse', vm, ACK, 'ack', [ack]);
    // Little's law on the window: bytes in flight <= window + one segment, each byte out for at least a round trip.
    const segment: Piece = { count: 1, frames: t.tsoFrames, bytes: t.tsoFrames * smallest };
    let least = 0;
    for (const h of hops) {
      least +=
        h.chain === 'forward'
          ? leastNs(h.spec, DATA, 'data', segment)
          : leastNs(h.spec, ACK, 'ack', { ...ack, count: 1 });
    }
    roundTrip.push(least);
    capPerVm.push(least > 0 ? (t.windowBytes + t.tsoFrames * largest) / mean / (least / 1e9) : Infinity);
    capKind = 'window';
  }

  // An open request/response loop may lose responses (a full ring drops them): a delivered
  // request then needs only its own chain's work. Elsewhere nothing on the return chain is
  // lost (closed loops hold their rings unbounded), so every unit needs all of its work.
  const lossyReturn = rr !== undefined && rr.concurrency === 0;
  const delivery = resources.map((r) => (lossyReturn ? (forward.get(r) ?? new Array<number>(vms).fill(0)) : r.perUnit));
  return solve(path.name, rr !== undefined, resources, delivery, deliveredBits, payloadBits, capPerVm, capKind, {
    acksPerFrame,
    roundTripNs: roundTrip.length > 0 ? roundTrip : undefined,
  });
}

/**
 * The least time for every piece of a response to cross a chain that starts them all at
 * once: a piece must pass every stage, and a stage that serves one piece at a time (a wire,
 * a ring consumer) must serve them all, so for each such stage s the time is at least the
 * least time to reach it, all its work, and the least time from it to the end.
 */
function leastResponseNs(chain: HopInfo[], pieces: Piece[], ns: (spec: HopSpec, p: Piece) => number): number {
  const least = chain.map((h) => Math.min(...pieces.map((p) => ns(h.spec, p))));
  const oneThrough = least.reduce((a, b) => a + b, 0);
  let best = oneThrough;
  chain.forEach((h, s) => {
    if (h.spec.kind === 'delay') return;
    const servers = h.spec.kind === 'cpu' ? (h.spec.servers ?? 1) : 1;
    const all = pieces.reduce((sum, p) => sum + p.count * ns(h.spec, p), 0) / servers;
    best = Math.max(best, oneThrough - least[s] + all);
  });
  return best;
}

function solve(
  path: string,
  transactions: boolean,
  resources: EstimateResource[],
  /** Per resource and VM, the demand of a delivered frame or request (perUnit: of a whole unit). */
  delivery: number[][],
  deliveredBits: number[],
  payloadBits: number[],
  capPerVm: number[],
  capKind: CapKind | undefined,
  extra: Pick<PathEstimate, 'acksPerFrame' | 'roundTripNs'>,
): PathEstimate {
  const vms = deliveredBits.length;
  // VMs with the same demands, values and kind of cap are interchangeable: one column each class, caps added up.
  const classes = new Map<string, { members: number[]; cap: number }>();
  for (let vm = 0; vm < vms; vm++) {
    const key = JSON.stringify([
      resources.map((r) => r.perUnit[vm]),
      delivery.map((d) => d[vm]),
      deliveredBits[vm],
      payloadBits[vm],
    ]);
    const c = classes.get(key);
    if (c) {
      c.members.push(vm);
      c.cap += capPerVm[vm];
    } else classes.set(key, { members: [vm], cap: capPerVm[vm] });
  }
  const cols = [...classes.values()];
  const whole = resources.map((r) => cols.map((c) => r.perUnit[c.members[0]]));
  const delivering = delivery.map((d) => cols.map((c) => d[c.members[0]]));
  const b = resources.map((r) => r.capacity);
  const u = cols.map((c) => c.cap);
  const ones = cols.map(() => 1);
  const delivered = maximize(
    cols.map((c) => deliveredBits[c.members[0]]),
    delivering,
    b,
    u,
  );
  const payload = maximize(
    cols.map((c) => payloadBits[c.members[0]]),
    delivering,
    b,
    u,
  );
  const frames = maximize(ones, delivering, b, u);
  const done = transactions ? maximize(ones, whole, b, u) : undefined;

  resources.forEach((r, i) => (r.aloneGbps = alone(r, delivery[i], deliveredBits, capPerVm) / 1e9));
  // The bottleneck: what contributes most to the bound (shadow price x capacity, by LP duality).
  const named = done ?? delivered;
  let bottleneck = 'none';
  let most = 0;
  resources.forEach((r, i) => {
    const share = named.duals[i] * r.capacity;
    if (share > most * (1 + 1e-9)) {
      most = share;
      bottleneck = r.name;
    }
  });
  const capShare = cols.reduce((s, c, j) => s + named.capDuals[j] * (Number.isFinite(c.cap) ? c.cap : 0), 0);
  if (capKind && (capShare > most * (1 + 1e-9) || (named.value === 0 && Number.isFinite(named.value))))
    bottleneck = capKind;
  return {
    path,
    unit: transactions ? 'transaction' : 'frame',
    bottleneck,
    deliveredGbps: delivered.value / 1e9,
    payloadGbps: payload.value / 1e9,
    deliveredMpps: frames.value / 1e6,
    ...(done ? { transactionsPerSec: done.value } : {}),
    resources,
    ...(capKind ? { cap: { kind: capKind, perVm: capPerVm } } : {}),
    ...extra,
  };
}

/** Bits/s one resource allows on its own: a fractional knapsack over the VMs (best bits per unit of demand first), within their caps. */
function alone(r: EstimateResource, demand: number[], bits: number[], caps: number[]): number {
  let total = 0;
  let left = r.capacity;
  const order = bits.map((_, vm) => vm).filter((vm) => bits[vm] > 0);
  for (const vm of order) if (demand[vm] === 0) total += bits[vm] * caps[vm];
  order
    .filter((vm) => demand[vm] > 0)
    .sort((a, b) => bits[b] / demand[b] - bits[a] / demand[a] || a - b)
    .forEach((vm) => {
      const x = Math.min(caps[vm], left / demand[vm]);
      total += bits[vm] * x;
      left -= x * demand[vm];
    });
  return total;
}

/** One estimate per point of a plan and path: every sweep point; a search's base point. */
export interface PointEstimate {
  assignment: Record<string, string | number | boolean>;
  estimates: PathEstimate[];
}

export function estimatePlan(plan: Plan): PointEstimate[] {
  const points = plan.points[0].exp.search ? [plan.points[0]] : plan.points;
  return points.map((p) => ({ assignment: p.assignment, estimates: estimateExperiment(p.exp) }));
}

const round = (x: number): number | string => (Number.isFinite(x) ? Number(x.toPrecision(6)) : 'inf');

/** The rows of `iovsim estimate`: scenario, swept values, path, bottleneck and the bounds. */
export function estimateRows(plan: Plan, points: PointEstimate[]): Record<string, string | number>[] {
  return points.flatMap((p) =>
    p.estimates.map((e) => {
      const limit = e.resources.find((r) => r.name === e.bottleneck);
      return {
        scenario: plan.name,
        ...Object.fromEntries(
          Object.entries(p.assignment).map(([k, v]) => [k, typeof v === 'boolean' ? String(v) : v]),
        ),
        path: e.path,
        bottleneck: e.bottleneck,
        bottleneck_hops: limit ? limit.hops.join(' ') : '',
        delivered_gbps_bound: round(e.deliveredGbps),
        tcp_payload_gbps_bound: round(e.payloadGbps),
        delivered_mpps_bound: round(e.deliveredMpps),
        ...(e.transactionsPerSec !== undefined ? { transactions_per_s_bound: round(e.transactionsPerSec) } : {}),
      };
    }),
  );
}
