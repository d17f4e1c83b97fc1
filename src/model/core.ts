import type { EventHandler, Simulator } from '../engine/simulator.js';
import { CAUSE_COUNT, CAUSES, causeIndex } from './causes.js';
import type { CycleVector } from './work.js';

const DRIVER = causeIndex('driver');

/** Work a core can be given: a ring consumer that serves one packet (or one aggregate) per turn. */
export interface CoreClient {
  /** Kernel context (softirq, interrupt handlers) is served before process context. */
  readonly urgent: boolean;
  /**
   * Adds this turn's cycles per cause into `turn` (indexed like CAUSES) and their total into
   * turn[CAUSE_COUNT] (a slot, not a return value: a double returned is a heap allocation).
   */
  beginTurn(core: Core, turn: Float64Array): void;
  /**
   * Finishes the turn (the packet moves on). Returns 1 to be served again at once, 2 to go
   * to the back of its queue (its budget is used up), 0 when it has nothing left.
   */
  endTurn(): 0 | 1 | 2;
}

/** A FIFO of clients, on a ring buffer that grows to the number of clients attached. */
class ClientQueue {
  items: (CoreClient | null)[] = [];
  head = 0;
  count = 0;

  grow(): void {
    const old = this.items;
    const next: (CoreClient | null)[] = new Array(old.length + 1).fill(null);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) % old.length];
    this.items = next;
    this.head = 0;
  }

  push(c: CoreClient): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = c;
    this.count++;
  }

  shift(): CoreClient {
    const c = this.items[this.head] as CoreClient;
    this.items[this.head] = null;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    return c;
  }
}

/**
 * Kernel context runs ahead of process context for at most this many turns in a row while
 * process-context work waits; then that work gets a turn. Linux's softirq handles at most
 * netdev_budget (300) packets per run before deferring to ksoftirqd, an ordinary thread the
 * scheduler shares the core with ([L7]).
 */
export const SOFTIRQ_STREAK = 300;

/**
 * A CPU core: serves its clients' turns one at a time, kernel context (NAPI polls, handlers)
 * before process context (an application reading its socket), each first come first served,
 * never preempting a turn in progress, and never starving process context for more than
 * SOFTIRQ_STREAK kernel turns; and counts every cycle it spends by cause.
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
  /** Time spent busy in the window, measured on the clock. */
  busyNs = 0;
  /**
   * A poll-mode driver spins on this core: the time it is not serving work is spent
   * polling, charged at window close as driver cycles (the core is never idle). busyNs
   * keeps counting only the work.
   */
  busyPoll = false;
  private windowStart = 0;
  private readonly urgentQueue = new ClientQueue();
  private readonly normalQueue = new ClientQueue();
  private busy = false;
  private current: CoreClient | null = null;
  /** Kernel-context turns served in a row while process-context work waited. */
  private streak = 0;
  private readonly pending = new Float64Array(CAUSES.length);
  private pendingTotal = 0;
  private pendingExits = 0;
  /** The burst in service: its cycles per cause (and their total at CAUSE_COUNT) and its start and end times. */
  private readonly burst = new Float64Array(CAUSE_COUNT + 1);
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

  /** Adds `cycles` of cause index `cause` (and `exits` VM exits) to this core's work: served next, before any client's turn. */
  charge(cycles: number, cause: number): void {
    if (cycles <= 0) return;
    this.pending[cause] += cycles;
    this.pendingTotal += cycles;
    if (!this.busy) this.startNext();
  }

  /** Adds a vector of cycles per cause and the exits they include (a notification's producer cost). */
  chargeVector(v: CycleVector): void {
    const perCause = v.perCause;
    const causes = v.causes;
    let total = 0;
    for (let j = 0; j < causes.length; j++) {
      const i = causes[j];
      this.pending[i] += perCause[i];
      total += perCause[i];
    }
    if (total <= 0) return;
    this.pendingTotal += total;
    this.pendingExits += v.exits;
    if (!this.busy) this.startNext();
  }

  /** Queues `client` for a turn. */
  enqueue(client: CoreClient): void {
    (client.urgent ? this.urgentQueue : this.normalQueue).push(client);
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
    if (this.busyPoll)
      this.cycles[DRIVER] += Math.max(0, this.sim.now - this.windowStart - this.busyNs) * this.cyclesPerNs;
  }

  onEvent(): void {
    this.busyNs += this.burstEnd - Math.max(this.burstStart, this.windowStart);
    const client = this.current;
    this.current = null;
    if (client !== null) {
      const next = client.endTurn();
      // Served again at once only when nothing that should go first waits.
      if (next === 1 && (client.urgent ? !this.normalDue() : this.urgentQueue.count === 0)) {
        this.serve(client);
        return;
      }
      if (next !== 0) this.enqueue(client);
    }
    this.startNext();
  }

  private addBurstFraction(sign: number): void {
    const now = this.sim.now;
    if (!this.busy || this.burstEnd <= now || this.burstEnd === this.burstStart) return;
    const f = (sign * (this.burstEnd - now)) / (this.burstEnd - this.burstStart);
    for (let i = 0; i < this.cycles.length; i++) this.cycles[i] += this.burst[i] * f;
  }

  /** Process-context work has waited through a full softirq streak. */
  private normalDue(): boolean {
    return this.normalQueue.count > 0 && this.streak >= SOFTIRQ_STREAK;
  }

  private startNext(): void {
    if (this.urgentQueue.count > 0 && !this.normalDue()) this.serve(this.urgentQueue.shift());
    else if (this.normalQueue.count > 0) this.serve(this.normalQueue.shift());
    else if (this.pendingTotal > 0) {
      const burst = this.burst;
      for (let i = 0; i < burst.length; i++) burst[i] = 0;
      this.start();
    } else {
      this.busy = false;
    }
  }

  private serve(client: CoreClient): void {
    if (!client.urgent) this.streak = 0;
    else if (this.normalQueue.count > 0) this.streak++;
    this.current = client;
    const burst = this.burst;
    for (let i = 0; i < burst.length; i++) burst[i] = 0;
    client.beginTurn(this, burst);
    this.start();
  }

  /** Starts a burst of the turn's cycles (burst[CAUSE_COUNT]) plus any pending charged cycles. */
  private start(): void {
    const burst = this.burst;
    const cycles = this.cycles;
    let turnCycles = burst[CAUSE_COUNT];
    if (this.pendingTotal > 0) {
      // A loop, not pending.fill(0): the builtin's call costs more than eight stores.
      const pending = this.pending;
      for (let i = 0; i < CAUSE_COUNT; i++) {
        burst[i] += pending[i];
        pending[i] = 0;
      }
      turnCycles += this.pendingTotal;
      this.pendingTotal = 0;
      this.exits += this.pendingExits;
      this.pendingExits = 0;
    }
    for (let i = 0; i < CAUSE_COUNT; i++) cycles[i] += burst[i];
    this.busy = true;
    const now = this.sim.now;
    this.burstStart = now;
    this.burstEnd = now + turnCycles / this.cyclesPerNs;
    this.sim.schedule(this.burstEnd, this);
  }
}
