import type { CostValues } from './costs.js';
import type { HopSpec, PathSpec } from './path-spec.js';

/** A hop of a run: the data's (or requests') direction, then the return direction of ACKs or responses. */
export interface HopInfo {
  name: string;
  chain: 'forward' | 'reverse';
  spec: HopSpec;
  /** Its place in its direction's hop list of the path. */
  index: number;
}

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
  mode: 'saturate' | 'open' | 'request-response';
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
  /** Frames dropped per hop name, over the window. */
  drops: Record<string, number>;
  latencyNs: { mean: number; p50: number; p99: number; p999: number; max: number };
  /** Per core: cycles per cause (CAUSES order) over the window. */
  coreCycles: number[][];
  /** Per core: time busy over the window, measured on the clock. */
  coreBusyNs: number[];
  vmDeliveredBytes: number[];
  interrupts: number;
  /** Interrupt vectors (consumers woken by interrupts) in the run. */
  interruptVectors: number;
  kicks: number;
  exits: number;
  /** Pure ACKs sent in the window, and ACKs dropped. */
  acks: number;
  ackDrops: number;
  /** Request/response: transactions completed and lost in the window, and their latency. */
  transactions: number;
  transactionsLost: number;
  transactionLatencyNs: { mean: number; p50: number; p99: number; p999: number; max: number };
  /** Time-average number of packets in the system over the window (for Little's law). */
  meanInSystem: number;
  /** Packets that left the system in the window (delivered or dropped), and their summed time in it. */
  departures: number;
  departuresSojournNs: number;
  /** Frames still in the system when the window closes, and their summed age then (ns). */
  inFlightAtClose: number;
  inFlightAgeNs: number;
  /** Whole-run accounting in frames, offered = delivered + dropped + inFlight, and of ACKs. */
  conservation: {
    offered: number;
    delivered: number;
    dropped: number;
    inFlight: number;
    acksSent: number;
    acksReceived: number;
    acksDropped: number;
    acksInFlight: number;
  };
  /** The run's hops in order (counters below are indexed by it). */
  hops: { name: string; chain: 'forward' | 'reverse'; index: number }[];
  /** Per hop, over the window: frames in, out and dropped; frames inside at the window's edges, and their time integral. */
  flow: {
    hopIn: number[];
    hopOut: number[];
    drops: number[];
    placeAtOpen: number[];
    placeAtClose: number[];
    placeArea: number[];
  };
  /**
   * Per (hop, core, kind), flattened as ((hop * cores + core) * kinds + kind): packets,
   * ring entries and bytes served; per (hop, core): wake-ups paid and notifications produced.
   */
  served: { packets: number[]; entries: number[]; bytes: number[]; wakeups: number[]; notifies: number[] };
  events: number;
  /** Latency series (sum and count per time bucket) when config.latencyBuckets was set. */
  latencySeries?: { sums: number[]; counts: number[] };
}
