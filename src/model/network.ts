import type { EventHandler } from '../engine/simulator.js';
import { Simulator } from '../engine/simulator.js';
import { RngStream } from '../engine/rng.js';
import { InputError } from '../errors.js';
import { CAUSES, causeIndex } from './causes.js';
import type { ModelConfig } from './config.js';
import { Core } from './core.js';
import type { CostValues } from './costs.js';
import { CpuStation, Delay, DETERMINISTIC, PerVmRouter, Sink, Wire, type CycleVector, type HopContext, type ServiceFactor } from './hops.js';
import { Metrics } from './metrics.js';
import type { Amount, CoreRole, CpuHop, HopSpec, PathSpec, RingRef, ServiceSpec, WorkSpec } from './path-spec.js';
import { PacketTable } from './packets.js';
import { OpenLoopSource, SaturatingSource, type Receiver, type Source } from './traffic.js';

/** A path ready to run: its name, its hops, and the costs it charges. */
export interface ResolvedPath {
  name: string;
  spec: PathSpec;
  costs: CostValues;
}

/** Everything one run measured, in base units (ns, bytes, packets, cycles). */
export interface RunResult {
  path: string;
  direction: 'rx' | 'tx';
  vms: number;
  seed: number;
  warmupNs: number;
  windowNs: number;
  lineRateGbps: number;
  clockGhz: number;
  offeredPackets: number;
  offeredBytes: number;
  deliveredPackets: number;
  deliveredBytes: number;
  deliveredPayloadBytes: number;
  wireFrames: number;
  wireBytes: number;
  wireBusyNs: number;
  /** Frames a packet becomes on the wire: 1, or a TSO segment's frames. */
  framesPerPacket: number;
  /** Drops per hop name, over the window. */
  drops: Record<string, number>;
  latencyNs: { mean: number; p50: number; p99: number; p999: number; max: number };
  /** Per core: cycles per cause (CAUSES order) over the window. */
  coreCycles: number[][];
  /** Per core: time busy over the window, measured on the clock. */
  coreBusyNs: number[];
  vmDeliveredBytes: number[];
  interrupts: number;
  kicks: number;
  exits: number;
  /** Time-average number of packets in the system over the window (for Little's law). */
  meanInSystem: number;
  /** Packets that left the system in the window (delivered or dropped), and their summed time in it. */
  departures: number;
  departuresSojournNs: number;
  /** Whole-run packet accounting: offered = delivered + dropped + inFlight. */
  conservation: { offered: number; delivered: number; dropped: number; inFlight: number };
  events: number;
  /** Latency series (sum and count per time bucket) when config.latencyBuckets was set. */
  latencySeries?: { sums: number[]; counts: number[] };
}

/** Which core serves VM `vm`'s instance of a hop with role `role`. */
export function coreFor(cfg: ModelConfig, role: CoreRole, vm: number): number {
  if (typeof role === 'number') return role;
  if (role === 'io') return 0;
  if (role === 'io-per-vm') return vm % cfg.host.hypervisorCores;
  return cfg.host.vcpuCores[vm % cfg.host.vcpuCores.length];
}

/**
 * A saturating source refills its window the instant a packet is dropped; if the path's
 * first hop took no time, a drop further on could refill and drop forever at one instant.
 */
export function checkSaturatingEntry(cfg: ModelConfig, path: ResolvedPath): void {
  const hops = cfg.traffic.direction === 'rx' ? path.spec.rx : path.spec.tx;
  if (cfg.traffic.mode !== 'saturate' || hops.length === 0) return;
  const first = hops[0];
  let takesTime: boolean;
  if (first.kind === 'wire') takesTime = cfg.nic.lineRateGbps > 0;
  else if (first.kind === 'delay') takesTime = first.ns.reduce((s: number, a) => s + amount(a, path.costs, 0), 0) > 0;
  else {
    // Costs are never negative, so a hop costs nothing only if a one-byte packet costs nothing.
    takesTime = workCycles(first.work, path.costs, 1) > 0;
  }
  if (!takesTime) {
    throw new InputError(
      `paths.${path.name}.${cfg.traffic.direction}[0]`,
      'a first hop that takes time when traffic.load is "saturate" (a saturating source resends at once)',
      `hop "${first.name}" with no cost`,
    );
  }
}

/** Checks the NIC has a queue resource per VM where the path needs one. */
export function checkNicLimits(cfg: ModelConfig, path: ResolvedPath): void {
  const need = path.spec.nic_sorting;
  if (need === 'vmdq' && cfg.vms > cfg.nic.vmdqPools) {
    throw new InputError(
      'vms.count',
      `at most nic.vmdq_pools = ${cfg.nic.vmdqPools} VMs for path "${path.name}" (one VMDq pool per VM)`,
      String(cfg.vms),
    );
  }
  if (need === 'vf' && cfg.vms > cfg.nic.vfs) {
    throw new InputError(
      'vms.count',
      `at most nic.vfs = ${cfg.nic.vfs} VMs for path "${path.name}" (one SR-IOV virtual function per VM)`,
      String(cfg.vms),
    );
  }
}

export function amount(a: Amount | undefined, costs: CostValues, fallback: number): number {
  if (a === undefined) return fallback;
  return typeof a === 'number' ? a : costs[a];
}

/** Cycles a work list spends on one packet of `bytes` bytes, all causes together. */
export function workCycles(work: WorkSpec[] | undefined, costs: CostValues, bytes: number): number {
  const sum = (v: Float64Array) => v.reduce((a, b) => a + b, 0);
  return sum(cycleVector(work, costs, false).perCause) + sum(cycleVector(work, costs, true).perCause) * bytes;
}

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

function ringCapacity(cfg: ModelConfig, ref: RingRef): number {
  switch (ref) {
    case 'nic_rx':
      return cfg.nic.rxRing;
    case 'nic_tx':
      return cfg.nic.txRing;
    case 'vring':
      return cfg.host.vringDescriptors;
    case 'switch_buffer':
      return cfg.nic.switchBuffer;
    case 'socket_buffer':
      return cfg.traffic.socketBuffer;
    default:
      return ref;
  }
}

/** Opens the measurement window when warm-up ends. */
class WindowOpener implements EventHandler {
  constructor(
    private readonly sim: Simulator,
    private readonly metrics: Metrics,
    private readonly cores: Core[],
  ) {}

  onEvent(): void {
    this.metrics.openWindow(this.sim.now);
    for (const c of this.cores) c.openWindow();
  }
}

/**
 * Builds the network of hops for one path and one direction, runs it for the scenario's
 * duration and returns what the measurement window saw.
 */
export function runPath(cfg: ModelConfig, path: ResolvedPath): RunResult {
  checkNicLimits(cfg, path);
  checkSaturatingEntry(cfg, path);
  const sim = new Simulator();
  const packets = new PacketTable();
  const hopSpecs: HopSpec[] = cfg.traffic.direction === 'rx' ? path.spec.rx : path.spec.tx;
  const series = cfg.latencyBuckets ? { buckets: cfg.latencyBuckets, durationNs: cfg.durationNs } : undefined;
  const metrics = new Metrics(cfg.vms, hopSpecs.length, packets, series);
  const cores = Array.from({ length: cfg.host.cores }, (_, i) => new Core(i, cfg.host.clockGhz, sim));
  const sources: Source[] = [];
  const ctx: HopContext = { sim, packets, metrics, sources };
  const saturate = cfg.traffic.mode === 'saturate';
  const perVmQueues = path.spec.nic_sorting !== 'none';

  const receivers: Receiver[] = [];
  let wire: Wire | undefined;
  const links: { next: Receiver }[][] = [];
  hopSpecs.forEach((hop, h) => {
    // A closed-loop source's window bounds what waits at the first hop; dropping there would
    // only resend at the same instant.
    const cap = (ref: RingRef): number => (saturate && h === 0 ? Infinity : ringCapacity(cfg, ref));
    if (hop.kind === 'wire') {
      const txQueues = hop.ring === 'nic_tx' && perVmQueues ? cfg.vms : 1;
      const w = new Wire(ctx, h, cap(hop.ring) * txQueues, cfg.nic.lineRateGbps);
      wire = w;
      receivers.push(w);
      links.push([w]);
    } else if (hop.kind === 'delay') {
      const ns = hop.ns.reduce((s: number, a) => s + amount(a, path.costs, 0), 0);
      const d = new Delay(ctx, ns);
      receivers.push(d);
      links.push([d]);
    } else {
      const stations = buildCpuHop(cfg, path, hop, h, ctx, cores, cap(hop.ring));
      receivers.push(hop.instances === 'shared' ? stations[0] : new PerVmRouter(packets, stations));
      links.push(stations);
    }
  });
  links.forEach((ls, h) => {
    const next = h + 1 < receivers.length ? receivers[h + 1] : new Sink(ctx);
    for (const l of ls) l.next = next;
  });

  const deps = { sim, packets, metrics, entry: receivers[0], seed: cfg.seed, tsoFrames: cfg.traffic.tsoFrames };
  for (let vm = 0; vm < cfg.vms; vm++) {
    const t = cfg.traffic.perVm[vm];
    sources.push(saturate ? new SaturatingSource(deps, vm, t) : new OpenLoopSource(deps, vm, t));
  }

  const opener = new WindowOpener(sim, metrics, cores);
  if (cfg.warmupNs > 0) sim.schedule(cfg.warmupNs, opener);
  else opener.onEvent();
  const rounds = saturate ? cfg.traffic.window : 1;
  for (let i = 0; i < rounds; i++) for (const s of sources) s.start();
  sim.run(cfg.durationNs);
  metrics.settle(sim.now);
  for (const c of cores) c.closeWindow();
  metrics.wireBusyNs += wire?.busyUntilNow() ?? 0;

  return collect(cfg, path, hopSpecs, sim, metrics, cores, packets);
}

function buildCpuHop(
  cfg: ModelConfig,
  path: ResolvedPath,
  hop: CpuHop,
  h: number,
  ctx: HopContext,
  cores: Core[],
  capacity: number,
): CpuStation[] {
  const costs = {
    perPacket: cycleVector(hop.work, path.costs, false),
    perByte: cycleVector(hop.work, path.costs, true).perCause,
    producer: cycleVector(hop.notify.producer, path.costs, false),
    consumer: cycleVector(hop.notify.consumer, path.costs, false),
  };
  const minGapNs = hop.notify.moderated && cfg.nic.itrPerSec > 0 ? 1e9 / cfg.nic.itrPerSec : 0;
  const n = hop.instances === 'shared' ? 1 : cfg.vms;
  const servers = hop.servers ?? 1;
  return Array.from({ length: n }, (_, instance) => {
    const first = coreFor(cfg, hop.core, instance);
    if (first + servers > cfg.host.cores) {
      throw new InputError(
        `paths.${path.name}.${cfg.traffic.direction}[${h}]`,
        `hop "${hop.name}" on cores that exist (host.cores = ${cfg.host.cores})`,
        `cores ${first}..${first + servers - 1}`,
      );
    }
    const service = serviceFactor(hop.service, new RngStream(cfg.seed, `${hop.name}/${instance}/service`));
    const hopCores = Array.from({ length: servers }, (_, j) => cores[first + j]);
    return new CpuStation(ctx, h, hopCores, { capacity, kind: hop.notify.kind, minGapNs, budget: cfg.host.napiBudget, costs, service });
  });
}

/** The sampler of a hop's work factor (mean 1). Deterministic service draws no random numbers. */
function serviceFactor(spec: ServiceSpec | undefined, rng: RngStream): ServiceFactor {
  if (spec === undefined || spec === 'deterministic') return DETERMINISTIC;
  if (spec === 'exponential') return { next: () => rng.exponential(1) };
  if (spec === 'uniform') return { next: () => 2 * rng.uniform() };
  const k = spec.erlang;
  return {
    next: () => {
      let s = 0;
      for (let i = 0; i < k; i++) s += rng.exponential(1 / k);
      return s;
    },
  };
}

function collect(
  cfg: ModelConfig,
  path: ResolvedPath,
  hopSpecs: HopSpec[],
  sim: Simulator,
  m: Metrics,
  cores: Core[],
  packets: PacketTable,
): RunResult {
  const drops: Record<string, number> = {};
  hopSpecs.forEach((hop, h) => (drops[hop.name] = (drops[hop.name] ?? 0) + m.drops[h]));
  const windowNs = sim.now - m.windowStart;
  const lat = m.latency;
  return {
    path: path.name,
    direction: cfg.traffic.direction,
    vms: cfg.vms,
    seed: cfg.seed,
    warmupNs: cfg.warmupNs,
    windowNs,
    lineRateGbps: cfg.nic.lineRateGbps,
    clockGhz: cfg.host.clockGhz,
    offeredPackets: m.offeredPackets,
    offeredBytes: m.offeredBytes,
    deliveredPackets: m.deliveredPackets,
    deliveredBytes: m.deliveredBytes,
    deliveredPayloadBytes: m.deliveredPayloadBytes,
    wireFrames: m.wireFrames,
    wireBytes: m.wireBytes,
    wireBusyNs: m.wireBusyNs,
    framesPerPacket: cfg.traffic.tsoFrames,
    drops,
    latencyNs: { mean: lat.mean, p50: lat.percentile(50), p99: lat.percentile(99), p999: lat.percentile(99.9), max: lat.count ? lat.max : NaN },
    coreCycles: cores.map((c) => Array.from(c.cycles)),
    coreBusyNs: cores.map((c) => c.busyNs),
    vmDeliveredBytes: Array.from(m.vmDeliveredBytes),
    interrupts: m.interrupts,
    kicks: m.kicks,
    exits: cores.reduce((s, c) => s + c.exits, 0),
    meanInSystem: windowNs > 0 ? m.area / windowNs : NaN,
    departures: m.departures,
    departuresSojournNs: m.sojournNs,
    conservation: { offered: m.totalOffered, delivered: m.totalDelivered, dropped: m.totalDropped, inFlight: packets.live },
    events: sim.fired,
    latencySeries: m.seriesSum.length ? { sums: Array.from(m.seriesSum), counts: Array.from(m.seriesCount) } : undefined,
  };
}
