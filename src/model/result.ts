import type { CostValues } from './costs.js';
import type { PathSpec } from './path-spec.js';

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
  /** Frames dropped per hop name, over the window. */
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
