import type { EventHandler } from '../engine/simulator.js';
import { Simulator } from '../engine/simulator.js';
import { RngStream } from '../engine/rng.js';
import type { ModelConfig } from './config.js';
import { Core } from './core.js';
import {
  CpuStation,
  Delay,
  DETERMINISTIC,
  PerVmRouter,
  Sink,
  Wire,
  type HopContext,
  type ServiceFactor,
} from './hops.js';
import { Counters } from './counters.js';
import type { CpuHop, HopSpec, RingRef, ServiceSpec } from './path-spec.js';
import { PacketTable } from './packets.js';
import type { ResolvedPath, RunResult } from './result.js';
import { OpenLoopSource, SaturatingSource, type Receiver, type Source } from './traffic.js';
import { amount, coreFor, cycleVector } from './work.js';

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
    private readonly counters: Counters,
    private readonly cores: Core[],
  ) {}

  onEvent(): void {
    this.counters.openWindow(this.sim.now);
    for (const c of this.cores) c.openWindow();
  }
}

/**
 * Builds the network of hops for one path and one direction, runs it for the scenario's
 * duration and returns what the measurement window saw.
 */
export function runPath(cfg: ModelConfig, path: ResolvedPath): RunResult {
  const sim = new Simulator();
  const packets = new PacketTable();
  const hopSpecs: HopSpec[] = cfg.traffic.direction === 'rx' ? path.spec.rx : path.spec.tx;
  const series = cfg.latencyBuckets ? { buckets: cfg.latencyBuckets, durationNs: cfg.durationNs } : undefined;
  const counters = new Counters(cfg.vms, hopSpecs.length, packets, series);
  const cores = Array.from({ length: cfg.host.cores }, (_, i) => new Core(i, cfg.host.clockGhz, sim));
  const sources: Source[] = [];
  const ctx: HopContext = { sim, packets, counters, sources };
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

  const deps = { sim, packets, counters, entry: receivers[0], seed: cfg.seed, tsoFrames: cfg.traffic.tsoFrames };
  for (let vm = 0; vm < cfg.vms; vm++) {
    const t = cfg.traffic.perVm[vm];
    sources.push(saturate ? new SaturatingSource(deps, vm, t) : new OpenLoopSource(deps, vm, t));
  }

  const opener = new WindowOpener(sim, counters, cores);
  if (cfg.warmupNs > 0) sim.schedule(cfg.warmupNs, opener);
  else opener.onEvent();
  const rounds = saturate ? cfg.traffic.window : 1;
  for (let i = 0; i < rounds; i++) for (const s of sources) s.start();
  sim.run(cfg.durationNs);
  counters.settle(sim.now);
  for (const c of cores) c.closeWindow();
  counters.wireBusyNs += wire?.busyUntilNow() ?? 0;

  return collect(cfg, path, hopSpecs, sim, counters, cores, packets);
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
    // The scenario layer refuses hops on cores that do not exist; reaching here is a bug.
    if (first + servers > cfg.host.cores)
      throw new Error(
        `hop ${hop.name} of path ${path.name} on cores ${first}..${first + servers - 1} of ${cfg.host.cores}`,
      );
    const service = serviceFactor(hop.service, new RngStream(cfg.seed, `${hop.name}/${instance}/service`));
    const hopCores = Array.from({ length: servers }, (_, j) => cores[first + j]);
    return new CpuStation(ctx, h, hopCores, {
      capacity,
      kind: hop.notify.kind,
      minGapNs,
      budget: cfg.host.napiBudget,
      costs,
      service,
    });
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
  m: Counters,
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
    latencyNs: {
      mean: lat.mean,
      p50: lat.percentile(50),
      p99: lat.percentile(99),
      p999: lat.percentile(99.9),
      max: lat.count ? lat.max : NaN,
    },
    coreCycles: cores.map((c) => Array.from(c.cycles)),
    coreBusyNs: cores.map((c) => c.busyNs),
    vmDeliveredBytes: Array.from(m.vmDeliveredBytes),
    interrupts: m.interrupts,
    kicks: m.kicks,
    exits: cores.reduce((s, c) => s + c.exits, 0),
    meanInSystem: windowNs > 0 ? m.area / windowNs : NaN,
    departures: m.departures,
    departuresSojournNs: m.sojournNs,
    conservation: {
      offered: m.totalOffered,
      delivered: m.totalDelivered,
      dropped: m.totalDropped,
      inFlight: packets.live,
    },
    events: sim.fired,
    latencySeries: m.seriesSum.length
      ? { sums: Array.from(m.seriesSum), counts: Array.from(m.seriesCount) }
      : undefined,
  };
}
