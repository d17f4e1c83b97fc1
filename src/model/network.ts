import type { EventHandler } from '../engine/simulator.js';
import { Simulator } from '../engine/simulator.js';
import { RngStream } from '../engine/rng.js';
import { Lane } from '../engine/lane.js';
import type { ModelConfig } from './config.js';
import { Core } from './core.js';
import { Counters } from './counters.js';
import {
  CpuStation,
  type CpuStationOptions,
  Delay,
  DETERMINISTIC,
  PerVmRouter,
  type HopContext,
  type Receiver,
  type ServiceFactor,
} from './hops.js';
import { moderator } from './moderation.js';
import { Wire, type FixedLatency } from './wire.js';
import { ACK, PACKET_KINDS, PacketTable, REQUEST, RESPONSE } from './packets.js';
import {
  effectiveWork,
  type CpuHop,
  type DelayHop,
  type RingRef,
  type ServiceSpec,
  type WireHop,
} from './path-spec.js';
import type { HopInfo, ResolvedPath, RunResult } from './result.js';
import {
  BulkSender,
  OpenLoopSource,
  RrClient,
  RrServer,
  TcpReceiver,
  TransactionTable,
  type SourceDeps,
} from './traffic.js';
import { amount, coresFor, cycleVector, kindCosts } from './work.js';

export function ringCapacity(cfg: ModelConfig, ref: RingRef): number {
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

/**
 * The application of request/response traffic: it runs after the path has delivered a
 * request, in process context on the VM's vCPU, and then answers.
 */
export function applicationHop(appCycles: number): CpuHop {
  return {
    kind: 'cpu',
    name: 'app',
    core: 'vcpu',
    instances: 'per-vm',
    ring: 'socket_buffer',
    notify: { kind: 'poll' },
    context: 'process',
    carries: ['request'],
    work: [{ cause: 'app', cycles: appCycles, kinds: ['request'] }],
  };
}

/**
 * The hops a run builds, in order: the data's direction (for request/response, the
 * requests' direction and then the application), then the return direction that carries
 * ACKs or responses. Both directions share the host's cores and the full-duplex link.
 */
export function runHops(cfg: ModelConfig, path: ResolvedPath): HopInfo[] {
  const dir = cfg.traffic.direction;
  const back = dir === 'rx' ? 'tx' : 'rx';
  const hops: HopInfo[] = path.spec[dir].map((spec, i) => ({ name: spec.name, chain: 'forward', spec, index: i }));
  if (cfg.traffic.mode === 'request-response')
    hops.push({ name: 'app', chain: 'forward', spec: applicationHop(cfg.traffic.rr!.appCycles), index: hops.length });
  if (cfg.traffic.mode !== 'open') {
    path.spec[back].forEach((spec, i) => hops.push({ name: spec.name, chain: 'reverse', spec, index: i }));
  }
  return hops;
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

const kindMask = (kinds: readonly string[] | undefined): number =>
  kinds === undefined
    ? (1 << PACKET_KINDS.length) - 1
    : kinds.reduce((m, k) => m | (1 << PACKET_KINDS.indexOf(k as (typeof PACKET_KINDS)[number])), 0);

/** Times `onProgress` of runPath is called per run: often enough for a progress bar, rarely enough to cost nothing. */
export const PROGRESS_STEPS = 50;

/**
 * Builds the network of hops for one path, runs it for the scenario's duration and returns
 * what the measurement window saw. Input has been checked by the scenario layer; an
 * impossible hop here is a bug. `onProgress`, if given, hears the share of simulated time
 * done, PROGRESS_STEPS times: the run is then cut into slices of simulated time, which fire
 * the same events in the same order, so the result is the same.
 */
export function runPath(cfg: ModelConfig, path: ResolvedPath, onProgress?: (done: number) => void): RunResult {
  const sim = new Simulator();
  const packets = new PacketTable();
  const hops = runHops(cfg, path);
  const series = cfg.latencyBuckets ? { buckets: cfg.latencyBuckets, durationNs: cfg.durationNs } : undefined;
  const counters = new Counters(cfg.vms, hops.length, cfg.host.cores, hops.length, packets, series);
  const cores = Array.from({ length: cfg.host.cores }, (_, i) => new Core(i, cfg.host.clockGhz, sim));
  const mode = cfg.traffic.mode;
  const saturate = mode === 'saturate';
  const closedLoop = saturate || (mode === 'request-response' && cfg.traffic.rr!.concurrency > 0);
  const perVmQueues = path.spec.nic_sorting !== 'none';
  const endpoints = new Endpoints();
  const ctx: HopContext = { sim, packets, counters, lost: (pkt) => endpoints.lost(pkt) };
  let vectors = 0;
  let wire: Wire | undefined;

  const delayNs = (hop: DelayHop): number => hop.ns.reduce((sum: number, a) => sum + amount(a, path.costs, 0), 0);
  // In a closed loop (bulk TCP, or a fixed number of transactions) the window bounds what
  // waits anywhere: TCP's flow and congestion control keep losses rare at steady state,
  // so rings do not drop there; queues build where the path is slowest.
  const cap = (ref: RingRef): number => (closedLoop ? Infinity : ringCapacity(cfg, ref));
  const wireCapacity = (h: number): number => {
    const spec = hops[h].spec as WireHop;
    return cap(spec.ring) * (spec.ring === 'nic_tx' && perVmQueues ? cfg.vms : 1);
  };
  const latencyAt = (h: number): FixedLatency | undefined => {
    const spec = hops[h].spec;
    return spec.kind === 'delay' ? { hop: h, ns: delayNs(spec) } : undefined;
  };

  /** Builds the hops of one chain, linked in order to `sink`; returns its entry. */
  const chain = (first: number, last: number, sink: Receiver): Receiver => {
    const receivers: Receiver[] = [];
    const links: { next: Receiver }[][] = [];
    for (let h = first; h < last; h++) {
      const hop = hops[h].spec;
      if (hop.kind === 'wire') {
        const capacity = wireCapacity(h);
        // A fixed latency next to the wire is run by it (see Wire): the one after it always, the
        // one before it only where the ring cannot drop and no wire before it runs it already.
        const runByWireBefore = h - 2 >= first && hops[h - 2].spec.kind === 'wire';
        const before = h > first && !Number.isFinite(capacity) && !runByWireBefore ? latencyAt(h - 1) : undefined;
        const after = h + 1 < last ? latencyAt(h + 1) : undefined;
        // The data direction's first wire (the host's port) gives the run's wire figures.
        const primary = hops[h].chain === 'forward' && wire === undefined;
        const w = new Wire(ctx, h, capacity, cfg.nic.lineRateGbps, primary, before, after);
        if (primary) wire = w;
        receivers.push(w);
        links.push([w]);
        if (after !== undefined) h++;
      } else if (hop.kind === 'delay') {
        // Left to the wire that follows, when that wire runs it (a delay right after a wire never gets here).
        if (h + 1 < last && hops[h + 1].spec.kind === 'wire' && !Number.isFinite(wireCapacity(h + 1))) continue;
        const d = new Delay(ctx, h, delayNs(hop));
        receivers.push(d);
        links.push([d]);
      } else {
        const stations = buildCpuHop(hop, h, cap(hop.ring));
        if (hop.notify.kind === 'interrupt') vectors += stations.reduce((n, s) => n + s.consumers.length, 0);
        receivers.push(hop.instances === 'shared' ? stations[0] : new PerVmRouter(packets, stations));
        links.push(stations);
      }
    }
    links.forEach((ls, i) => {
      const next = i + 1 < receivers.length ? receivers[i + 1] : sink;
      for (const l of ls) l.next = next;
    });
    return receivers.length > 0 ? receivers[0] : sink;
  };

  const buildCpuHop = (hop: CpuHop, h: number, capacity: number): CpuStation[] => {
    const posted = hop.notify.posted === true && cfg.host.postedInterrupts;
    const options: CpuStationOptions = {
      capacity,
      kind: hop.notify.kind,
      budget: cfg.host.napiBudget,
      costs: kindCosts(effectiveWork(hop, cfg.nic.checksumOffload), path.costs),
      producer: cycleVector(hop.notify.producer, path.costs),
      consumer: cycleVector(hop.notify.consumer, path.costs, posted),
      urgent: (hop.context ?? 'softirq') === 'softirq',
      carries: kindMask(hop.carries),
      lroMaxBytes: hop.aggregate?.includes('lro') && cfg.nic.lro ? cfg.nic.lroMaxBytes : 0,
      groMaxBytes: hop.aggregate?.includes('gro') && cfg.host.gro ? cfg.host.groMaxBytes : 0,
    };
    const n = hop.instances === 'shared' ? 1 : cfg.vms;
    const servers = hop.servers ?? 1;
    return Array.from({ length: n }, (_, instance) => {
      const ids = coresFor(cfg, hop.core, instance, servers);
      if (ids.some((c) => c >= cfg.host.cores))
        throw new Error(`hop ${hop.name} of path ${path.name} on cores ${ids.join(',')} of ${cfg.host.cores}`);
      const service = serviceFactor(hop.service, new RngStream(cfg.seed, `${hop.name}/${instance}/service`));
      const hopCores = ids.map((c) => cores[c]);
      if (hop.busy_poll) for (const core of hopCores) core.busyPoll = true;
      const moderators = hopCores.map(() =>
        moderator(cfg.nic.moderation, hop.notify.moderated === true, cfg.nic.lineRateGbps),
      );
      return new CpuStation(ctx, h, hopCores, options, service, moderators);
    });
  };

  const forwardEnd = hops.findIndex((x) => x.chain === 'reverse');
  const split = forwardEnd < 0 ? hops.length : forwardEnd;
  // One deps object per entry, shared by every VM's source (not a copy per VM to reach per packet).
  const depsOf = new Map<Receiver, SourceDeps>();
  const deps = (entry: Receiver): SourceDeps => {
    let d = depsOf.get(entry);
    if (d === undefined) {
      d = {
        sim,
        packets,
        counters,
        entry,
        seed: cfg.seed,
        tsoFrames: cfg.traffic.tsoFrames,
        fixedDelay: new Lane(sim),
      };
      depsOf.set(entry, d);
    }
    return d;
  };
  const start: (() => void)[] = [];

  if (mode === 'open') {
    const entry = chain(0, split, { accept: (pkt) => endpoints.delivered(pkt) });
    endpoints.delivered = (pkt) => {
      counters.delivered(pkt, sim.now, true);
      packets.release(pkt);
    };
    for (let vm = 0; vm < cfg.vms; vm++) {
      const s = new OpenLoopSource(deps(entry), vm, cfg.traffic.perVm[vm]);
      start.push(() => s.start());
    }
  } else if (saturate) {
    const senders: BulkSender[] = [];
    const receivers: TcpReceiver[] = [];
    const reverse = chain(split, hops.length, {
      accept: (ack) => {
        counters.ackReceived();
        senders[packets.vm[ack]].freed(packets.info[ack]);
        packets.release(ack);
      },
    });
    const entry = chain(0, split, {
      accept: (pkt, from) => {
        counters.delivered(pkt, sim.now, true);
        receivers[packets.vm[pkt]].receive(pkt, from);
        packets.release(pkt);
      },
    });
    const guestReceives = cfg.traffic.direction === 'rx';
    const delayedAcks = new Lane(sim);
    for (let vm = 0; vm < cfg.vms; vm++) {
      senders.push(new BulkSender(deps(entry), vm, cfg.traffic.perVm[vm], cfg.traffic.windowBytes));
      receivers.push(
        new TcpReceiver(
          sim,
          packets,
          counters,
          vm,
          cfg.traffic.ackEvery,
          reverse,
          guestReceives || cfg.traffic.peerGro,
          delayedAcks,
        ),
      );
    }
    endpoints.lost = (pkt) => {
      // A lost segment is taken as retransmitted at once; a lost ACK as covered by the next.
      const bytes = packets.kind[pkt] === ACK ? packets.info[pkt] : packets.bytes[pkt];
      senders[packets.vm[pkt]].freed(bytes);
    };
    // The windows fill one segment per VM per round, so flows interleave on the wire as concurrent TCP senders do.
    start.push(() => {
      for (let any = true; any;) {
        any = false;
        for (const s of senders) if (s.trySend()) any = true;
      }
    });
  } else {
    const rr = cfg.traffic.rr!;
    const table = new TransactionTable();
    const clients: RrClient[] = [];
    const end = (slot: number, vm: number, lost: boolean) => {
      if (lost) counters.transactionLost();
      else counters.transactionDone(sim.now - table.started[slot]);
      table.close(slot);
      clients[vm].ended();
    };
    const responseArrived = (pkt: number, failed: boolean) => {
      const slot = packets.info[pkt];
      if (failed) table.failed[slot] = 1;
      table.remaining[slot] -= packets.frames[pkt];
      if (table.remaining[slot] <= 0) end(slot, packets.vm[pkt], table.failed[slot] === 1);
    };
    const reverse = chain(split, hops.length, {
      accept: (pkt) => {
        counters.delivered(pkt, sim.now, false);
        responseArrived(pkt, false);
        packets.release(pkt);
      },
    });
    const server = new RrServer(sim, packets, counters, rr, table, reverse, cfg.traffic.tsoFrames);
    const entry = chain(0, split, {
      accept: (pkt, from) => {
        counters.delivered(pkt, sim.now, true);
        server.answer(packets.vm[pkt], packets.info[pkt], from);
        packets.release(pkt);
      },
    });
    endpoints.lost = (pkt) => {
      if (packets.kind[pkt] === REQUEST) end(packets.info[pkt], packets.vm[pkt], true);
      else if (packets.kind[pkt] === RESPONSE) responseArrived(pkt, true);
    };
    for (let vm = 0; vm < cfg.vms; vm++) {
      const c = new RrClient(deps(entry), vm, rr, table);
      clients.push(c);
      start.push(() => c.start());
    }
  }

  const opener = new WindowOpener(sim, counters, cores);
  if (cfg.warmupNs > 0) sim.schedule(cfg.warmupNs, opener);
  else opener.onEvent();
  for (const s of start) s();
  if (onProgress) {
    for (let step = 1; step <= PROGRESS_STEPS; step++) {
      sim.run(step === PROGRESS_STEPS ? cfg.durationNs : (cfg.durationNs * step) / PROGRESS_STEPS);
      onProgress(step / PROGRESS_STEPS);
    }
  } else sim.run(cfg.durationNs);
  counters.settle(sim.now);
  for (const c of cores) c.closeWindow();
  counters.wireBusyNs += wire?.busyUntilNow() ?? 0;
  return collect(cfg, path, hops, sim, counters, cores, packets, vectors);
}

/** Where lost and delivered packets go; set by the traffic mode. */
class Endpoints {
  lost: (pkt: number) => void = () => {};
  delivered: (pkt: number) => void = () => {};
}

function collect(
  cfg: ModelConfig,
  path: ResolvedPath,
  hops: HopInfo[],
  sim: Simulator,
  m: Counters,
  cores: Core[],
  packets: PacketTable,
  vectors: number,
): RunResult {
  const drops: Record<string, number> = {};
  // Drops in the return direction are named apart, and shown only where data can be lost there (responses).
  hops.forEach((hop, h) => {
    if (hop.chain === 'reverse' && cfg.traffic.mode !== 'request-response') return;
    const name = hop.chain === 'reverse' ? `return_${hop.name}` : hop.name;
    drops[name] = (drops[name] ?? 0) + m.drops[h];
  });
  const windowNs = sim.now - m.windowStart;
  const lat = m.latency;
  const tl = m.transactionLatency;
  return {
    path: path.name,
    direction: cfg.traffic.direction,
    mode: cfg.traffic.mode,
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
    interruptVectors: vectors,
    kicks: m.kicks,
    exits: cores.reduce((s, c) => s + c.exits, 0),
    acks: m.acks,
    ackDrops: m.ackDrops,
    transactions: m.transactions,
    transactionsLost: m.transactionsLost,
    transactionLatencyNs: {
      mean: tl.mean,
      p50: tl.percentile(50),
      p99: tl.percentile(99),
      p999: tl.percentile(99.9),
      max: tl.count ? tl.max : NaN,
    },
    meanInSystem: windowNs > 0 ? m.area / windowNs : NaN,
    departures: m.departures,
    departuresSojournNs: m.sojournNs,
    inFlightAtClose: packets.liveFrames,
    inFlightAgeNs: packets.liveFrames * sim.now - packets.liveBornTotal,
    conservation: {
      offered: m.totalOffered,
      delivered: m.totalDelivered,
      dropped: m.totalDropped,
      inFlight: packets.liveFrames,
      acksSent: m.totalAcksSent,
      acksReceived: m.totalAcksReceived,
      acksDropped: m.totalAcksDropped,
      acksInFlight: packets.liveAcks,
    },
    hops: hops.map((h) => ({ name: h.name, chain: h.chain, index: h.index })),
    flow: {
      hopIn: Array.from(m.hopIn),
      hopOut: Array.from(m.hopOut),
      drops: Array.from(m.drops),
      placeAtOpen: Array.from(m.placeAtOpen),
      placeAtClose: Array.from(m.placeFrames),
      placeArea: Array.from(m.placeArea),
    },
    served: {
      packets: Array.from(m.servedPackets),
      entries: Array.from(m.servedEntries),
      bytes: Array.from(m.servedBytes),
      wakeups: Array.from(m.wakeups),
      notifies: Array.from(m.notifies),
    },
    events: sim.fired,
    latencySeries: m.seriesSum.length
      ? { sums: Array.from(m.seriesSum), counts: Array.from(m.seriesCount) }
      : undefined,
  };
}
