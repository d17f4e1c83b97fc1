import { fastPriorityQueueScheduler, type Scheduler, type SchedulerFactory } from './scheduler.js';

/** Anything that can receive an event. `arg` is whatever number the scheduler of the event passed. */
export interface EventHandler {
  onEvent(arg: number): void;
}

const INITIAL_CAPACITY = 1024;

/** Events between two looks at the stop flag: a power of two, so the test is one mask. */
export const STOP_CHECK_EVENTS = 65_536;
const STOP_MASK = STOP_CHECK_EVENTS - 1;

/**
 * The flag another thread sets to stop the runs of this thread (a worker's, shared with
 * the main thread through a SharedArrayBuffer): non-zero means stop. Read once every
 * STOP_CHECK_EVENTS events, so a run stops within milliseconds and the hot loop pays one
 * mask and compare per event.
 */
let stopFlag: Int32Array | undefined;

/**
 * A counter this thread adds one to at each look at the stop flag: the owner of the thread
 * (the worker pool) tells a long run, which keeps counting, from a thread that hangs.
 */
let heartbeat: Int32Array | undefined;

/** Sets (or clears) the flag that stops this thread's runs, and the counter of looks at it; see stopFlag. */
export function setStopFlag(flag: Int32Array | undefined, beat?: Int32Array): void {
  stopFlag = flag;
  heartbeat = beat;
}

/** The look at the stop flag every STOP_CHECK_EVENTS events. */
function checkStop(flag: Int32Array): void {
  if (heartbeat !== undefined) Atomics.add(heartbeat, 0, 1);
  if (Atomics.load(flag, 0) !== 0) throw new SimulationStopped();
}

/** Thrown out of Simulator.run when the stop flag is set: the run was abandoned, not broken. */
export class SimulationStopped extends Error {
  override name = 'SimulationStopped';
  constructor() {
    super('the run was stopped (interrupted)');
  }
}

/**
 * The simulation clock and future-event set.
 *
 * Time is in nanoseconds (a double). Events fire in order of time, then in the order they
 * were scheduled, so simultaneous events are deterministic. Event records live in parallel
 * typed arrays and are recycled through a free list: scheduling allocates nothing once the
 * arrays have grown to the peak number of pending events.
 */
export class Simulator {
  /** Current simulated time in ns. */
  now = 0;
  /** Events fired so far. */
  fired = 0;

  private time = new Float64Array(INITIAL_CAPACITY);
  private seq = new Float64Array(INITIAL_CAPACITY);
  private arg = new Float64Array(INITIAL_CAPACITY);
  private handler: (EventHandler | undefined)[] = new Array(INITIAL_CAPACITY);
  private free = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private used = 0;
  private nextSeq = 0;
  private readonly queue: Scheduler;
  private stopped = false;
  /**
   * While a handler runs, its own event is still at the top of the queue. The first event the
   * handler schedules takes over its record and replaces it there in one sift (replaceTop)
   * instead of a pop and a push: the common case of an event scheduling its successor costs
   * one heap operation and no allocation.
   */
  private firingAtTop = false;
  private firingId = -1;

  constructor(schedulerFactory: SchedulerFactory = fastPriorityQueueScheduler) {
    // The comparator reads the arrays through `this` so it survives their reallocation.
    this.queue = schedulerFactory((a, b) => {
      const ta = this.time[a];
      const tb = this.time[b];
      return ta < tb || (ta === tb && this.seq[a] < this.seq[b]);
    });
  }

  /** Schedules `handler.onEvent(arg)` at absolute time `at` (ns). `at` must not be in the past. */
  schedule(at: number, handler: EventHandler, arg = 0): void {
    this.scheduleWithSeq(at, this.nextSeq++, handler, arg);
  }

  /**
   * Takes the sequence number an event scheduled now would get. An event given it later
   * (scheduleFrom) fires among simultaneous events exactly where it would have fired had it
   * been scheduled now: how a Lane keeps its events out of the queue without reordering them.
   */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /**
   * Schedules `handler.onEvent(arg)` at `times[j]` (ns) with the sequence number `seqs[j]`
   * taken earlier by takeSeq(). The two are read here, from the caller's arrays: passed as
   * arguments, a sequence number read from a Float64Array crossed the call as a boxed double,
   * and the run's memory grew with its length (144 MB peak for 10 M packets instead of 79).
   */
  scheduleFrom(times: Float64Array, seqs: Float64Array, j: number, handler: EventHandler, arg: number): void {
    this.scheduleWithSeq(times[j], seqs[j], handler, arg);
  }

  private scheduleWithSeq(at: number, seq: number, handler: EventHandler, arg: number): void {
    if (!(at >= this.now)) {
      throw new Error(`event scheduled in the past or at NaN: at=${at} now=${this.now}`);
    }
    // The firing event's record is done with once its handler runs, so its successor reuses it.
    const reuse = this.firingAtTop;
    const id = reuse ? this.firingId : this.allocate();
    this.time[id] = at;
    this.seq[id] = seq;
    this.arg[id] = arg;
    this.handler[id] = handler;
    if (reuse) {
      this.firingAtTop = false;
      this.queue.replaceTop(id);
    } else this.queue.push(id);
  }

  /** Schedules `handler.onEvent(arg)` after `delay` ns. */
  after(delay: number, handler: EventHandler, arg = 0): void {
    this.schedule(this.now + delay, handler, arg);
  }

  /**
   * Fires events in order until the next one would be later than `until` (ns), or until
   * stop() is called. The clock is left at `until` unless stopped early. Throws
   * SimulationStopped when the thread's stop flag is found set, and an Error when `until` is
   * NaN (no event is ever later than NaN, so the run would never end).
   */
  run(until: number): void {
    if (Number.isNaN(until)) throw new Error('run until NaN: the horizon must be a number of ns');
    this.stopped = false;
    const queue = this.queue;
    while (!this.stopped) {
      const id = queue.peek();
      if (id < 0 || this.time[id] > until) break;
      this.now = this.time[id];
      const h = this.handler[id] as EventHandler;
      if ((++this.fired & STOP_MASK) === 0 && stopFlag !== undefined) checkStop(stopFlag);
      this.firingAtTop = true;
      this.firingId = id;
      h.onEvent(this.arg[id]);
      if (this.firingAtTop) {
        // The handler scheduled nothing: remove its event, and only now may its id be reused.
        this.firingAtTop = false;
        queue.pop();
        this.free[this.freeCount++] = id;
      }
    }
    if (!this.stopped && until > this.now) this.now = until;
  }

  /** Makes run() return after the event being fired. */
  stop(): void {
    this.stopped = true;
  }

  /** Events a Lane holds behind its first one, which alone is in the queue. */
  laneBacklog = 0;

  /** Number of events waiting, those held in lanes (and frames queued on a wire, each an event to come) included. */
  get pending(): number {
    return this.queue.size - (this.firingAtTop ? 1 : 0) + this.laneBacklog;
  }

  private allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.used === this.time.length) this.grow();
    return this.used++;
  }

  private grow(): void {
    const n = this.time.length * 2;
    const t = new Float64Array(n);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(n);
    s.set(this.seq);
    this.seq = s;
    const a = new Float64Array(n);
    a.set(this.arg);
    this.arg = a;
    this.handler.length = n;
    const f = new Int32Array(n);
    f.set(this.free);
    this.free = f;
  }
}
