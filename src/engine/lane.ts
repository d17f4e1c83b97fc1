import type { EventHandler, Simulator } from './simulator.js';

const INITIAL_CAPACITY = 8;

/**
 * Events that fall due in the order they are scheduled (a fixed delay, a fixed timeout),
 * held in a FIFO with only the earliest in the simulator's queue. A hop that holds many
 * packets for the same time, or a timer every VM arms with the same timeout, then adds one
 * entry to the queue instead of one per event, so the heap's log factor does not grow with
 * the packets in flight or the number of VMs.
 *
 * Each event keeps the sequence number it would have had if scheduled directly, so the
 * order of firing (by time, then by sequence) is exactly the same: only the queue is smaller.
 */
export class Lane implements EventHandler {
  private time = new Float64Array(INITIAL_CAPACITY);
  private seq = new Float64Array(INITIAL_CAPACITY);
  private arg = new Float64Array(INITIAL_CAPACITY);
  private handler: (EventHandler | undefined)[] = new Array<EventHandler | undefined>(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;
  private last = -Infinity;

  constructor(private readonly sim: Simulator) {}

  /** Number of events waiting in this lane. */
  get length(): number {
    return this.count;
  }

  /**
   * Schedules `handler.onEvent(arg)` after `delay` ns. Throws when that is earlier than the
   * lane's last event (the lane is for events that come due in order) or not a number.
   */
  after(delay: number, handler: EventHandler, arg = 0): void {
    const sim = this.sim;
    const at = sim.now + delay;
    if (!(at >= this.last && delay >= 0)) {
      throw new Error(`lane event out of order or at NaN: at=${at} after ${this.last}, now=${sim.now}`);
    }
    this.last = at;
    if (this.count === this.time.length) this.grow();
    const i = (this.head + this.count) & (this.time.length - 1);
    this.time[i] = at;
    this.seq[i] = sim.takeSeq();
    this.arg[i] = arg;
    this.handler[i] = handler;
    if (this.count++ === 0) sim.scheduleFrom(this.time, this.seq, i, this, 0);
    else sim.laneBacklog++;
  }

  /** The earliest event is due: the next one takes its place in the queue, then it fires. */
  onEvent(): void {
    const i = this.head;
    const handler = this.handler[i] as EventHandler;
    const arg = this.arg[i];
    this.handler[i] = undefined;
    this.head = (i + 1) & (this.time.length - 1);
    if (--this.count > 0) {
      const j = this.head;
      this.sim.laneBacklog--;
      this.sim.scheduleFrom(this.time, this.seq, j, this, 0);
    }
    handler.onEvent(arg);
  }

  private grow(): void {
    const n = this.time.length;
    const time = new Float64Array(2 * n);
    const seq = new Float64Array(2 * n);
    const arg = new Float64Array(2 * n);
    const handler = new Array<EventHandler | undefined>(2 * n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (n - 1);
      time[k] = this.time[i];
      seq[k] = this.seq[i];
      arg[k] = this.arg[i];
      handler[k] = this.handler[i];
    }
    this.time = time;
    this.seq = seq;
    this.arg = arg;
    this.handler = handler;
    this.head = 0;
  }
}
