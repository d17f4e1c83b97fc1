import type { EventHandler, Simulator } from '../engine/simulator.js';
import { RngStream } from '../engine/rng.js';
import type { Arrivals, FrameMix, VmTraffic } from './config.js';
import type { Counters } from './counters.js';
import type { PacketTable } from './packets.js';

/** Where a source hands its packets: the first hop of the path. */
export interface Receiver {
  accept(pkt: number, from: import('./core.js').Core | null): void;
}

/** Draws frame sizes from a weighted mix; a single size draws no random numbers. */
export class FrameSampler {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly mix: FrameMix,
    private readonly rng: RngStream,
  ) {
    this.cumulative = new Float64Array(mix.weights.length);
    let acc = 0;
    mix.weights.forEach((w, i) => (this.cumulative[i] = acc += w));
    this.total = acc;
  }

  next(): number {
    if (this.mix.bytes.length === 1) return this.mix.bytes[0];
    const u = this.rng.uniform() * this.total;
    for (let i = 0; i < this.cumulative.length; i++) if (u < this.cumulative[i]) return this.mix.bytes[i];
    return this.mix.bytes[this.mix.bytes.length - 1];
  }
}

/** A traffic source for one VM. `completed` is called when one of its packets is delivered or dropped. */
export interface Source {
  start(): void;
  completed(): void;
}

interface SourceDeps {
  sim: Simulator;
  packets: PacketTable;
  counters: Counters;
  entry: Receiver;
  seed: number;
  /** Frames per packet: 1, or the frames of a TSO segment (transmit with segmentation offload). */
  tsoFrames: number;
}

/** Offers one packet into the path, counting it: a frame, or a TSO segment of `tsoFrames` frames. */
function offer(d: SourceDeps, vm: number, frames: FrameSampler): void {
  const n = d.tsoFrames;
  const pkt = d.packets.alloc(vm, frames.next() * n, d.sim.now, n);
  d.counters.offered(pkt, d.sim.now);
  d.entry.accept(pkt, null);
}

/**
 * Open loop: packets arrive at the VM's rate, evenly spaced (`constant`, with a random
 * phase so VMs are not in lockstep), as a Poisson process, or in on/off bursts (exponential
 * on and off periods, Poisson at the peak rate while on, same mean rate).
 */
export class OpenLoopSource implements Source, EventHandler {
  private readonly arrivalsRng: RngStream;
  private readonly frames: FrameSampler;
  private readonly meanGap: number;
  private onUntil = 0;

  constructor(
    private readonly d: SourceDeps,
    private readonly vm: number,
    private readonly traffic: VmTraffic,
  ) {
    this.arrivalsRng = new RngStream(d.seed, `vm${vm}/arrivals`);
    this.frames = new FrameSampler(traffic.frames, new RngStream(d.seed, `vm${vm}/frames`));
    this.meanGap = 1e9 / traffic.pps;
  }

  start(): void {
    if (!(this.traffic.pps > 0)) return;
    const a = this.traffic.arrivals;
    if (a.kind === 'constant') this.d.sim.schedule(this.arrivalsRng.uniform() * this.meanGap, this);
    else if (a.kind === 'on-off') {
      this.onUntil = this.arrivalsRng.exponential(a.onNs);
      this.d.sim.schedule(this.nextOnOff(0, a), this);
    } else this.d.sim.schedule(this.arrivalsRng.exponential(this.meanGap), this);
  }

  completed(): void {}

  onEvent(): void {
    offer(this.d, this.vm, this.frames);
    const a: Arrivals = this.traffic.arrivals;
    const now = this.d.sim.now;
    let next: number;
    if (a.kind === 'constant') next = now + this.meanGap;
    else if (a.kind === 'poisson') next = now + this.arrivalsRng.exponential(this.meanGap);
    else next = this.nextOnOff(now, a);
    this.d.sim.schedule(next, this);
  }

  /** The next arrival after `t` in an on/off process whose current on period ends at onUntil. */
  private nextOnOff(t: number, a: { onNs: number; offNs: number }): number {
    // While on, arrivals come at peak rate = mean rate x (on + off) / on.
    const peakGap = (this.meanGap * a.onNs) / (a.onNs + a.offNs);
    let candidate = t + this.arrivalsRng.exponential(peakGap);
    while (candidate > this.onUntil) {
      const onStart = this.onUntil + this.arrivalsRng.exponential(a.offNs);
      this.onUntil = onStart + this.arrivalsRng.exponential(a.onNs);
      candidate = onStart + this.arrivalsRng.exponential(peakGap);
    }
    return candidate;
  }
}

/**
 * Closed loop, like a bulk TCP sender: the VM keeps `window` packets in flight and sends a
 * new one each time one is delivered or dropped.
 */
export class SaturatingSource implements Source {
  private readonly frames: FrameSampler;

  constructor(
    private readonly d: SourceDeps,
    private readonly vm: number,
    traffic: VmTraffic,
  ) {
    this.frames = new FrameSampler(traffic.frames, new RngStream(d.seed, `vm${vm}/frames`));
  }

  /** Sends one packet of the window. The run primes all VMs' windows one packet per VM per round, so flows interleave on the wire as concurrent TCP senders do, instead of in VM-sized bursts. */
  start(): void {
    offer(this.d, this.vm, this.frames);
  }

  completed(): void {
    offer(this.d, this.vm, this.frames);
  }
}
