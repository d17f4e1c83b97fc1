import type { EventHandler, Simulator } from '../engine/simulator.js';
import { CAUSES } from './causes.js';

/** Work a core can be given: a ring consumer that serves one packet per turn. */
export interface CoreClient {
  /** Adds this turn's cycles per cause into `turn` (indexed like CAUSES) and returns their total. */
  beginTurn(core: Core, turn: Float64Array): number;
  /**
   * Finishes the turn (the packet moves on). Returns 1 to be served again at once, 2 to go
   * to the back of the core's queue (its budget is used up), 0 when it has nothing left.
   */
  endTurn(): 0 | 1 | 2;
}

/**
 * A CPU core: serves its clients' turns one at a time, first come first served, and counts
 * every cycle it spends by cause.
 *
 * Cycles charged to a core from outside a turn (a producer's notification cost, say) are
 * served as soon as the core is free, ahead of the next turn. A burst that straddles the
 * start or end of the measurement window is counted pro rata, so utilization is exact.
 */
export class Core implements EventHandler {
  /** Cycles spent per cause (index into CAUSES) in the measurement window. */
  readonly cycles = new Float64Array(CAUSES.length);
  /** Exits taken since the window opened (counted when their turn starts). */
  exits = 0;
  /** Time spent busy in the window, measured on the clock (a check on the cycle accounting). */
  busyNs = 0;
  private windowStart = 0;
  private ready: CoreClient[] = [];
  private readyHead = 0;
  private readyCount = 0;
  private busy = false;
  private current: CoreClient | null = null;
  private readonly pending = new Float64Array(CAUSES.length);
  private pendingTotal = 0;
  /** The burst in service: its cycles per cause and its start and end times. */
  private readonly burst = new Float64Array(CAUSES.length);
  private burstStart = 0;
  private burstEnd = 0;
  private readonly cyclesPerNs: number;

  constructor(
    readonly index: number,
    clockGhz: number,
    private readonly sim: Simulator,
  ) {
    this.cyclesPerNs = clockGhz;
  }

  /** Makes room for one more client; each client is queued at most once at a time. */
  attach(): void {
    this.ready.push(null as unknown as CoreClient);
  }

  /** Adds `cycles` of `cause` to this core's work: served next, before any client's turn. */
  charge(cycles: number, cause: number): void {
    if (cycles <= 0) return;
    this.pending[cause] += cycles;
    this.pendingTotal += cycles;
    if (!this.busy) this.startNext();
  }

  /** Queues `client` for a turn. */
  enqueue(client: CoreClient): void {
    const n = this.ready.length;
    this.ready[(this.readyHead + this.readyCount) % n] = client;
    this.readyCount++;
    if (!this.busy) this.startNext();
  }

  /** Opens the measurement window now: counts restart, with the part of the burst in service that lies ahead. */
  openWindow(): void {
    this.cycles.fill(0);
    this.exits = 0;
    this.busyNs = 0;
    this.windowStart = this.sim.now;
    this.addBurstFraction(1);
  }

  /** Closes the window now: the part of the burst in service that lies beyond is taken back out. */
  closeWindow(): void {
    this.addBurstFraction(-1);
    if (this.busy) this.busyNs += Math.max(0, this.sim.now - Math.max(this.burstStart, this.windowStart));
  }

  onEvent(): void {
    this.busyNs += this.burstEnd - Math.max(this.burstStart, this.windowStart);
    const client = this.current;
    this.current = null;
    if (client !== null) {
      const next = client.endTurn();
      if (next === 1) {
        this.serve(client);
        return;
      }
      if (next === 2) this.enqueue(client);
    }
    this.startNext();
  }

  private addBurstFraction(sign: number): void {
    const now = this.sim.now;
    if (!this.busy || this.burstEnd <= now || this.burstEnd === this.burstStart) return;
    const f = (sign * (this.burstEnd - now)) / (this.burstEnd - this.burstStart);
    for (let i = 0; i < this.cycles.length; i++) this.cycles[i] += this.burst[i] * f;
  }

  private startNext(): void {
    if (this.readyCount > 0) {
      const client = this.ready[this.readyHead];
      this.readyHead = (this.readyHead + 1) % this.ready.length;
      this.readyCount--;
      this.serve(client);
    } else if (this.pendingTotal > 0) {
      this.burst.fill(0);
      this.start(0);
    } else {
      this.busy = false;
    }
  }

  private serve(client: CoreClient): void {
    this.current = client;
    this.burst.fill(0);
    this.start(client.beginTurn(this, this.burst));
  }

  /** Starts a burst of `turnCycles` plus any pending charged cycles. */
  private start(turnCycles: number): void {
    const burst = this.burst;
    const cycles = this.cycles;
    if (this.pendingTotal > 0) {
      for (let i = 0; i < burst.length; i++) burst[i] += this.pending[i];
      this.pending.fill(0);
      turnCycles += this.pendingTotal;
      this.pendingTotal = 0;
    }
    for (let i = 0; i < burst.length; i++) cycles[i] += burst[i];
    this.busy = true;
    const now = this.sim.now;
    this.burstStart = now;
    this.burstEnd = now + turnCycles / this.cyclesPerNs;
    this.sim.schedule(this.burstEnd, this);
  }
}
