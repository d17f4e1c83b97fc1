import type { EventHandler, Simulator } from '../engine/simulator.js';
import { CAUSES } from './causes.js';

/** Work a core can be given: a ring consumer that serves one packet per turn. */
export interface CoreClient {
  /** Charges this turn's cycles to `core` (per cause) and returns their total. */
  beginTurn(core: Core): number;
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
 * Cycles charged to a core while it is busy or idle with no client (a producer's
 * notification cost, say) are served as soon as the core is free, ahead of the next turn.
 */
export class Core implements EventHandler {
  /** Cycles spent per cause (index into CAUSES) since the last reset. */
  readonly cycles = new Float64Array(CAUSES.length);
  /** Exits taken since the last reset. */
  exits = 0;
  private ready: CoreClient[] = [];
  private readyHead = 0;
  private readyCount = 0;
  private busy = false;
  private current: CoreClient | null = null;
  private pendingCycles = 0;
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
    this.cycles[cause] += cycles;
    this.pendingCycles += cycles;
    if (!this.busy) this.startNext();
  }

  /** Queues `client` for a turn. */
  enqueue(client: CoreClient): void {
    const n = this.ready.length;
    this.ready[(this.readyHead + this.readyCount) % n] = client;
    this.readyCount++;
    if (!this.busy) this.startNext();
  }

  /** Total cycles spent since the last reset. */
  totalCycles(): number {
    let s = 0;
    for (let i = 0; i < this.cycles.length; i++) s += this.cycles[i];
    return s;
  }

  reset(): void {
    this.cycles.fill(0);
    this.exits = 0;
  }

  onEvent(): void {
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

  private startNext(): void {
    if (this.readyCount > 0) {
      const client = this.ready[this.readyHead];
      this.readyHead = (this.readyHead + 1) % this.ready.length;
      this.readyCount--;
      this.serve(client);
    } else if (this.pendingCycles > 0) {
      this.busy = true;
      const c = this.pendingCycles;
      this.pendingCycles = 0;
      this.sim.after(c / this.cyclesPerNs, this);
    } else {
      this.busy = false;
    }
  }

  private serve(client: CoreClient): void {
    this.busy = true;
    this.current = client;
    const c = client.beginTurn(this) + this.pendingCycles;
    this.pendingCycles = 0;
    this.sim.after(c / this.cyclesPerNs, this);
  }
}
